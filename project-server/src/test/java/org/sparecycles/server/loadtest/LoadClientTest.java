package org.sparecycles.server.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sparecycles.workunits.hash.Sha256;

/** The load generator's HTTP calls, against a real HTTP server (the JDK's) on a free port. */
class LoadClientTest {
    /** What the server received, one line per call: method, path, and the headers the test looks at. */
    private final List<String> received = new ArrayList<>();
    /** The client side's port of every call's connection. */
    private final Set<Integer> connections = ConcurrentHashMap.newKeySet();
    private HttpServer server;
    private URI base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        synchronized (received) {
            received.add(exchange.getRequestMethod() + " " + path + " auth=" + exchange.getRequestHeaders()
                    .getFirst("Authorization") + " sha=" + exchange.getRequestHeaders().getFirst("X-Content-SHA256")
                    + " type=" + exchange.getRequestHeaders().getFirst("Content-Type") + " bytes=" + body.length);
        }
        connections.add(exchange.getRemoteAddress().getPort());
        int status = 200;
        byte[] answer = new byte[0];
        if (path.startsWith("/uploads/refused")) {
            status = 409;
            answer = "an output with this sha256 is already stored".getBytes(StandardCharsets.UTF_8);
        } else if (path.equals("/api/v1/hosts")) {
            answer = "{\"hostId\":42}".getBytes(StandardCharsets.UTF_8);
        }
        exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    @Test
    void callsSendTheirBodyAndHeadersAndAnErrorAnswerNamesTheCallAndWhatTheServerSaid() throws Exception {
        LoadClient client = new LoadClient(base);
        byte[] output = "{\"files\":[]}".getBytes(StandardCharsets.UTF_8);

        assertEquals(42, client.register("tok-1", "host-a"));
        client.upload("tok-1", "/uploads/abc", output);
        LoadClient.CallFailed refused = assertThrows(LoadClient.CallFailed.class,
                () -> client.upload("tok-1", "/uploads/refused", output));

        assertEquals("PUT /uploads/refused answered 409: an output with this sha256 is already stored",
                refused.getMessage());
        assertTrue(received.get(0).startsWith("POST /api/v1/hosts auth=Bearer tok-1 sha=null type=application/json"),
                received.get(0));
        assertEquals(List.of(
                "PUT /uploads/abc auth=Bearer tok-1 sha=" + Sha256.hex(output) + " type=null bytes=" + output.length,
                "PUT /uploads/refused auth=Bearer tok-1 sha=" + Sha256.hex(output) + " type=null bytes="
                        + output.length), received.subList(1, received.size()));
    }

    @Test
    void aThreadsCallsShareOneConnectionAlsoAfterAnErrorAnswer() throws Exception {
        LoadClient client = new LoadClient(base);
        byte[] output = new byte[2_000];
        for (int i = 0; i < 20; i++) {
            client.get(base.resolve("ping"));
            // the refused upload's answer must be read to its end, or its connection cannot be used again
            assertThrows(LoadClient.CallFailed.class, () -> client.upload("tok-1", "/uploads/refused", output));
            client.upload("tok-1", "/uploads/" + i, output);
        }
        assertEquals(60, received.size());
        assertEquals(1, connections.size(), "connections used for 60 calls in turn: " + connections);
    }
}

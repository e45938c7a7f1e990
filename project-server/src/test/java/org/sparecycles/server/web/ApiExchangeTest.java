package org.sparecycles.server.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers over a real Undertow listener and a keep-alive client: their bytes, and where each exchange ended. An
 * exchange that ends on a worker thread hands its connection back through a flag the I/O thread spins on, so
 * answers whose request body has been read are to end on the I/O thread.
 */
class ApiExchangeTest {
    @TempDir
    Path tmp;

    private final List<String> endedOn = new CopyOnWriteArrayList<>();
    /** A permit for each exchange that ended. */
    private final Semaphore ended = new Semaphore(0);
    private Undertow undertow;
    private URI base;
    private Path file;
    private byte[] fileBytes;

    @BeforeEach
    void start() throws Exception {
        fileBytes = new byte[3 << 20]; // larger than a socket buffer: the I/O thread writes it in several turns
        new Random(7).nextBytes(fileBytes);
        file = Files.write(tmp.resolve("input.bin"), fileBytes);
        Routes routes = new Routes(null)
                .get("/small", ex -> ex.json(200, Map.of("answer", 42)))
                .post("/echo", ex -> ex.json(200, ex.body(Map.class)))
                .post("/unread", ex -> ex.json(202, Map.of("read", false)))
                .get("/large", ex -> ex.bytes(200, "application/octet-stream", fileBytes))
                .get("/file", ex -> ex.file(file, "application/octet-stream"));
        var handler = routes.handler();
        undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(exchange -> {
            exchange.addExchangeCompleteListener((done, next) -> {
                endedOn.add(done.getRequestPath() + " " + (done.isInIoThread() ? "io" : "worker"));
                ended.release();
                next.proceed();
            });
            handler.handleRequest(exchange);
        }).build();
        undertow.start();
        int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        base = URI.create("http://127.0.0.1:" + port + Routes.API);
    }

    @AfterEach
    void stop() {
        undertow.stop();
    }

    @Test
    void answersWhoseRequestWasReadEndOnTheIoThreadWithTheirBytesWhole() throws Exception {
        HttpClient http = HttpClient.newHttpClient(); // one connection, kept alive: each request follows at once
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> small = http.send(HttpRequest.newBuilder(URI.create(base + "/small")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, small.statusCode());
            assertEquals("{\"answer\":42}", small.body());
            HttpResponse<String> echo = http.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, echo.statusCode());
            assertEquals("{\"n\":" + i + "}", echo.body());
        }
        HttpResponse<byte[]> large = http.send(HttpRequest.newBuilder(URI.create(base + "/large")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, large.statusCode());
        assertArrayEquals(fileBytes, large.body());
        HttpResponse<byte[]> got = http.send(HttpRequest.newBuilder(URI.create(base + "/file")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, got.statusCode());
        assertEquals(String.valueOf(fileBytes.length), got.headers().firstValue("Content-Length").orElse(null));
        assertArrayEquals(fileBytes, got.body());

        awaitEnded(42);
        assertEquals(42, endedOn.size(), endedOn.toString());
        assertTrue(endedOn.subList(0, 41).stream().allMatch(e -> e.endsWith(" io")), endedOn.toString());
        // a file is read on a worker whichever thread starts its transfer (ApiExchange.file)
        assertEquals(Routes.API + "/file worker", endedOn.get(41));
    }

    @Test
    void anAnswerGivenBeforeItsRequestBodyWasReadIsWrittenByTheWorkerAndTheConnectionStaysUsable() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unread = http.send(HttpRequest.newBuilder(URI.create(base + "/unread"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"ignored\":true}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, unread.statusCode());
        assertEquals("{\"read\":false}", unread.body());
        HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(base + "/small")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, next.statusCode());
        assertEquals("{\"answer\":42}", next.body());

        awaitEnded(2);
        assertEquals(List.of(Routes.API + "/unread worker", Routes.API + "/small io"), endedOn);
    }

    /** The listener runs as the exchange ends, which may be just after the client has its answer. */
    private void awaitEnded(int count) throws InterruptedException {
        ended.tryAcquire(count, 10, TimeUnit.SECONDS); // the assertions that follow say what was missing
    }
}

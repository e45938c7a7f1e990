package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.ApiError;

/** Under overload the server answers at once with 503 and Retry-After instead of letting requests time out. */
class OverloadTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void answers503WithRetryAfterWhileItsOnlyRequestSlotIsHeld() throws Exception {
        try (TestServer s = TestServer.start(tmp, b -> b.overloadLimit(1, 7))) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI health = s.server.baseUri().resolve("api/v1/health");
            AtomicReference<HttpResponse<String>> refused = new AtomicReference<>();
            try (Socket held = new Socket(s.server.baseUri().getHost(), s.server.port())) {
                // a request whose body never comes: it holds the only slot until its connection closes
                OutputStream out = held.getOutputStream();
                out.write(("POST /api/v1/accounts HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{\"email\":").getBytes(StandardCharsets.US_ASCII));
                out.flush();

                long end = System.nanoTime() + BOUND.toNanos();
                while (refused.get() == null && System.nanoTime() < end) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5))
                            .GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 503) {
                        refused.set(r);
                    }
                }
                HttpResponse<String> r = refused.get();
                assertTrue(r != null, "no 503 while the slot was held");
                assertEquals("7", r.headers().firstValue("Retry-After").orElse(null));
                ApiError error = Json.mapper().readValue(r.body(), ApiError.class);
                assertEquals("overloaded", error.error());
                assertTrue(error.detail().contains("busy") && error.detail().contains("try again in 7 s"),
                        error.detail());
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(s.server.baseUri().resolve("login"))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(503, page.statusCode(), "web pages are bounded too");
                assertEquals("7", page.headers().firstValue("Retry-After").orElse(null));
            }

            // the held connection is gone: its slot is free again
            long end = System.nanoTime() + BOUND.toNanos();
            int status = 0;
            while (status != 200 && System.nanoTime() < end) {
                status = http.send(HttpRequest.newBuilder(health).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode();
            }
            assertEquals(200, status);
        }
    }
}

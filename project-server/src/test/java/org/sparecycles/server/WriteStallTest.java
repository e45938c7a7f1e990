package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.protocol.HealthStatus;

/**
 * A database write that does not end, while the database still answers: {@code /health} must say so. H2's own
 * exclusive mode ({@code SET EXCLUSIVE 1} on another connection) holds the group commit's real {@code CHECKPOINT}
 * until it ends, as a disk that stops answering would.
 */
class WriteStallTest {
    private static final Duration LIMIT = Duration.ofMillis(500);

    @Test
    void healthAnswers503WhileADatabaseWriteHangsAndOkOnceItEnds(@TempDir Path dir) throws Exception {
        try (TestServer t = TestServer.start(dir, b -> b.writeStallLimit(LIMIT))) {
            assertEquals("ok", t.anonymous.get("/api/v1/health").expect(200, HealthStatus.class).status());
            Thread writer;
            try (Connection c = t.server.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("SET EXCLUSIVE 1");
                try {
                    writer = new Thread(t.server::awaitDurable, "held-write");
                    writer.start();
                    Api.Response answer = healthWithin(t, 503, Duration.ofSeconds(10));
                    assertEquals(503, answer.status(), "a write held for over " + LIMIT + ": " + answer.text());
                    assertEquals("unavailable", answer.as(HealthStatus.class).status());
                    assertTrue(writer.isAlive(), "the write is still held");
                } finally {
                    s.execute("SET EXCLUSIVE 0");
                }
            }
            writer.join(10_000);
            assertFalse(writer.isAlive(), "the write ends once the database lets it");
            assertEquals("ok", t.anonymous.get("/api/v1/health").expect(200, HealthStatus.class).status());
        }
    }

    /** Asks until the answer has the status or the time is up; returns the last answer. */
    private static Api.Response healthWithin(TestServer t, int status, Duration bound) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        Api.Response answer = t.anonymous.get("/api/v1/health");
        while (answer.status() != status && System.nanoTime() < end) {
            Thread.sleep(50);
            answer = t.anonymous.get("/api/v1/health");
        }
        return answer;
    }
}

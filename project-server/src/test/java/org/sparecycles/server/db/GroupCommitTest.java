package org.sparecycles.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
    @TempDir
    Path dir;

    /**
     * A child process commits rows one transaction at a time and prints each id once {@link Jdbc#inTransaction}
     * returned; it is killed (SIGKILL) while it goes on. Every printed id must be in the database afterwards. H2
     * writes commits only within its write delay, so without the group commit the last ones would be lost.
     */
    @Test
    void everyTransactionReportedDoneSurvivesTheProcessBeingKilled() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CommittingChild.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long lastPrinted = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lastPrinted = Long.parseLong(line.trim());
                if (lastPrinted == 300) {
                    child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close of the database
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(300, lastPrinted, "the child printed its commits up to the kill");
        try (Database db = Database.open(dir)) {
            long rows = db.jdbc().queryLong("SELECT COUNT(*) FROM group_commit_probe WHERE id <= 300");
            assertEquals(300, rows, "every commit the child was told was durable is in the database");
        }
    }

    @Test
    void concurrentWaitersShareWrites() throws Exception {
        try (Database db = Database.open(dir)) {
            Jdbc jdbc = db.jdbc();
            jdbc.update("CREATE TABLE shared_probe (id BIGINT PRIMARY KEY)");
            GroupCommit.Counts before = db.groupCommit().counts();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                long base = t * 1000L;
                done.add(pool.submit(() -> {
                    for (long i = 0; i < 50; i++) {
                        long id = base + i;
                        jdbc.inTransaction(c -> Jdbc.update(c, "INSERT INTO shared_probe (id) VALUES (?)", id));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            GroupCommit.Counts after = db.groupCommit().counts();
            assertEquals(800, after.waits() - before.waits());
            assertTrue(after.writes() - before.writes() < 800, "some writes served several transactions: " + after);
            assertTrue(after.writeNanos() > before.writeNanos(), "the time spent writing is counted: " + after);
            assertEquals(800, jdbc.queryLong("SELECT COUNT(*) FROM shared_probe"));
        }
    }

    /** Opens the database in the given directory and commits rows 1, 2, 3, ... printing each once durable. */
    public static final class CommittingChild {
        public static void main(String[] args) {
            Database db = Database.open(Path.of(args[0]));
            Jdbc jdbc = db.jdbc();
            jdbc.update("CREATE TABLE group_commit_probe (id BIGINT PRIMARY KEY, payload VARCHAR(200))");
            for (long id = 1; ; id++) {
                long row = id;
                jdbc.inTransaction(c -> Jdbc.update(c, "INSERT INTO group_commit_probe (id, payload) VALUES (?, ?)",
                        row, "row " + row));
                System.out.println(row);
                System.out.flush();
            }
        }
    }
}

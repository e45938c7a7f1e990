package org.sparecycles.client.manager;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.idle.InputIdleSource;
import org.sparecycles.client.idle.InputIdleSources;
import org.sparecycles.client.policy.ActivityMode;
import org.sparecycles.client.prefs.Preferences;
import org.sparecycles.client.state.AtomicFiles;
import org.sparecycles.client.testing.Await;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.config.ServerConfig;

/**
 * The UI's calls need the manager's monitor; what can be slow must happen without it: the policy step's readings
 * (input idleness, load, disk: OS queries) and saving the credit history (a disk that hangs).
 */
class ClientManagerMonitorTest {
    @TempDir
    Path tmp;
    private final StuckIdleSource idle = new StuckIdleSource();
    private ClientManager manager;
    private ProjectServer server;
    private Path fifo;

    @AfterEach
    void close() throws IOException {
        idle.release.countDown();
        // a reader and writer end lets a save blocked on the FIFO go on (and fail); later saves write a real file
        RandomAccessFile unblock = fifo == null ? null : new RandomAccessFile(fifo.toFile(), "rw");
        try {
            if (fifo != null) {
                Files.delete(fifo);
            }
            if (manager != null) {
                manager.close();
            }
        } finally {
            if (unblock != null) {
                unblock.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void uiCallsDoNotWaitForThePolicyStepsReadings() throws Exception {
        manager = ClientManager.open(ManagerOptions.defaults(tmp), Clock.systemUTC(), idle);
        idle.stuck = true;
        manager.start();
        assertTrue(idle.entered.await(30, SECONDS), "the policy step never read input idleness");

        assertEquals(Preferences.defaults(), CompletableFuture.supplyAsync(manager::preferences).get(5, SECONDS));
        assertEquals(ActivityMode.PREFERENCES, CompletableFuture.supplyAsync(manager::mode).get(5, SECONDS));
        CompletableFuture.runAsync(() -> manager.setMode(ActivityMode.SUSPENDED)).get(5, SECONDS);
        assertEquals(ActivityMode.SUSPENDED, CompletableFuture.supplyAsync(manager::mode).get(5, SECONDS));
        assertTrue(CompletableFuture.supplyAsync(manager::creditHistory).get(5, SECONDS).isEmpty());
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void uiCallsDoNotWaitForACreditHistorySave() throws Exception {
        server = ProjectServer.start(ServerConfig.builder().port(0).dataDir(tmp.resolve("server")).build());
        Path data = Files.createDirectories(tmp.resolve("client"));
        // the history is written to this temporary file first; as a FIFO, opening it blocks until someone reads
        fifo = data.resolve("credit-history.json" + AtomicFiles.TEMP_SUFFIX);
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        manager = ClientManager.open(ManagerOptions.defaults(data).withCreditPoll(Duration.ofSeconds(1)),
                Clock.systemUTC(), InputIdleSources.unknown());
        manager.start();
        manager.attach(server.baseUri().toString(), "v@monitor.test", "volunteer-password", "V", true, List.of());

        Await.until(() -> manager.status().projects().get(0).credit() != null, Duration.ofSeconds(60),
                () -> "no credit sample reached the status while its save hung: " + manager.events().recent());
        assertFalse(CompletableFuture.supplyAsync(manager::creditHistory).get(5, SECONDS).isEmpty());
        assertEquals(Preferences.defaults(), CompletableFuture.supplyAsync(manager::preferences).get(5, SECONDS));
    }

    /** Reads like a machine without a signal; once {@link #stuck}, blocks inside the reading until released. */
    private static final class StuckIdleSource implements InputIdleSource {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean stuck;

        @Override
        public Duration idleTime() {
            if (stuck) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return null;
        }

        @Override
        public String name() {
            return "stuck test source";
        }
    }
}

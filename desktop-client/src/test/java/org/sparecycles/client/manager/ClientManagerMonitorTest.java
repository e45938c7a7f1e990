package org.sparecycles.client.manager;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.idle.InputIdleSource;
import org.sparecycles.client.policy.ActivityMode;
import org.sparecycles.client.prefs.Preferences;

/** The policy step's readings (input idleness, load, disk) are slow OS queries: the UI must not wait for them. */
class ClientManagerMonitorTest {
    @TempDir
    Path tmp;
    private final StuckIdleSource idle = new StuckIdleSource();
    private ClientManager manager;

    @AfterEach
    void close() {
        idle.release.countDown();
        if (manager != null) {
            manager.close();
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

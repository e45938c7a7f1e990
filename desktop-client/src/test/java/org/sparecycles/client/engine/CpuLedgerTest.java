package org.sparecycles.client.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparecycles.client.worker.ProcessCpu.ThreadTimes;

/** The client's CPU split by what its threads do, from thread names as a headless client on Linux has them. */
class CpuLedgerTest {
    private static final List<ThreadTimes> CLIENT = List.of(new ThreadTimes("java", 0.02),
            new ThreadTimes("java", 1.31), new ThreadTimes("GC Thread#0", 0.25), new ThreadTimes("G1 Main Marker", 0.01),
            new ThreadTimes("G1 Conc#0", 0.04), new ThreadTimes("G1 Service", 0.09), new ThreadTimes("VM Thread", 0.08),
            new ThreadTimes("C2 CompilerThre", 7.29), new ThreadTimes("C1 CompilerThre", 1.46),
            new ThreadTimes("sparecycles-eng", 2.10), new ThreadTimes("sparecycles-eng", 5.76),
            new ThreadTimes("sparecycles-pol", 0.12), new ThreadTimes("Keep-Alive-Time", 0.02),
            new ThreadTimes("Reference Handl", 0.01));

    @Test
    void splitsTheProcessByThreadRoleCountingEndedEngineThreadsAsTheEngine() {
        Map<String, Double> roles = CpuLedger.byRole(CLIENT, 23.0, 0.4);

        assertEquals(List.of("engine", "jitCompilers", "garbageCollector", "main", "otherOwn",
                "otherJvm", "ended"), List.copyOf(roles.keySet()));
        assertEquals(7.86 + 0.4, roles.get("engine"), 1e-9);
        assertEquals(8.75, roles.get("jitCompilers"), 1e-9);
        assertEquals(0.39, roles.get("garbageCollector"), 1e-9);
        assertEquals(1.33, roles.get("main"), 1e-9);
        assertEquals(0.12, roles.get("otherOwn"), 1e-9);
        assertEquals(0.11, roles.get("otherJvm"), 1e-9);
        assertEquals(23.0 - 18.56 - 0.4, roles.get("ended"), 1e-9);
        assertEquals(23.0, roles.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
    }

    @Test
    void threadTimesReadAfterTheProcessTimeLeaveNothingEnded() {
        assertEquals(0.0, CpuLedger.byRole(CLIENT, 18.5, 0).get("ended"));
    }

    @Test
    void anEngineThreadThatEndsCountsItsOwnCpu() throws InterruptedException {
        double before = CpuLedger.endedEngineSeconds();
        Thread t = new Thread(CpuLedger.countedWhenEnded(() -> {
            long end = System.nanoTime() + 50_000_000L;
            long x = 0;
            while (System.nanoTime() < end) {
                x += 1 + Long.numberOfTrailingZeros(x + 1); // without the 1, x stays 0
            }
            assertTrue(x > 0);
        }));
        t.start();
        t.join();

        assertTrue(CpuLedger.endedEngineSeconds() - before >= 0.01, () -> "counted "
                + (CpuLedger.endedEngineSeconds() - before) + " s for a thread that ran 50 ms");
    }
}

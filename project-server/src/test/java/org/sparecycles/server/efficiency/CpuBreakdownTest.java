package org.sparecycles.server.efficiency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparecycles.workunits.json.Json;

/** The volunteer CPU summed from the clients' {@code cpu.json}, and what was spent after an earlier copy. */
class CpuBreakdownTest {

    private static JsonNode ledger(double client, double startUp, double workers, int started, int tasks, double app,
                                   double start, double checkpoints, double engine, double jit) throws Exception {
        return Json.mapper().readTree(String.format(java.util.Locale.ROOT, """
                {"clientSeconds": %s, "clientUntilRegistered": %s, "otherChildrenSeconds": 0.0,
                 "workerProcessesSeconds": %s, "workersStarted": %d, "tasksMeasured": %d, "appSeconds": %s,
                 "workerStartSeconds": %s, "checkpointSeconds": %s,
                 "clientThreads": {"engine": %s, "jitCompilers": %s}}""", client, startUp, workers, started, tasks,
                app, start, checkpoints, engine, jit));
    }

    @Test
    void sumsTheClientsAndSplitsTheWorkersWholeCpu() throws Exception {
        CpuBreakdown b = CpuBreakdown.of(List.of(ledger(10, 3, 50, 1, 4, 40, 1, 0.5, 6, 2),
                ledger(12, 4, 60, 2, 5, 48, 2, 0.5, 7, 3)));
        assertEquals(88, b.app(), 1e-9);
        assertEquals(3, b.workerStart(), 1e-9);
        assertEquals(110 - 88 - 3 - 1, b.workerEnd(), 1e-9);
        assertEquals(22, b.client(), 1e-9);
        assertEquals(7, b.clientStartUp(), 1e-9);
        assertEquals(9, b.tasks());
        assertEquals(Map.of("engine", 13.0, "jitCompilers", 5.0), b.clientThreads());
        assertEquals((22 + 110 - 88) / 132.0, b.outsideShare(), 1e-9);
    }

    @Test
    void whatWasSpentAfterAnEarlierCopyLeavesTheStartUpOut() throws Exception {
        CpuBreakdown before = CpuBreakdown.of(List.of(ledger(8, 3, 30, 1, 2, 24, 0.6, 0.2, 3, 1.5),
                ledger(9, 4, 31, 1, 2, 25, 0.7, 0.2, 3.5, 2)));
        CpuBreakdown after = CpuBreakdown.of(List.of(ledger(10, 3, 50, 1, 4, 40, 1, 0.5, 4, 1.8),
                ledger(12, 4, 60, 2, 5, 48, 2, 0.5, 5, 2.5)));
        CpuBreakdown measured = after.since(before);
        assertEquals(88 - 49, measured.app(), 1e-9);
        assertEquals(3 - 1.3, measured.workerStart(), 1e-9);
        assertEquals(0.6, measured.checkpoints(), 1e-9);
        assertEquals((110 - 61) - (88 - 49) - (3 - 1.3) - 0.6, measured.workerEnd(), 1e-9);
        assertEquals(22 - 17, measured.client(), 1e-9);
        assertEquals(0, measured.clientStartUp(), 1e-9, "both copies were written after the start-up");
        assertEquals(5, measured.tasks());
        assertEquals(1, measured.workers());
        assertEquals(2.5, measured.clientThreads().get("engine"), 1e-9);
        assertEquals(0.8, measured.clientThreads().get("jitCompilers"), 1e-9);
        assertEquals(measured.total() - measured.app(), measured.outside(), 1e-9);
        assertTrue(measured.table("after the warm-up").contains("  by thread (after the warm-up):"));
    }

    @Test
    void aClientThatCouldNotTellItsWorkersCpuIsRefused() throws Exception {
        JsonNode noChildren = Json.mapper().readTree("{\"clientSeconds\": 1, \"workerProcessesSeconds\": null}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuBreakdown.of(List.of(noChildren)));
        assertTrue(e.getMessage().contains("/proc/self/stat"), e.getMessage());
    }
}

package org.sparecycles.client.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code /proc/<pid>/stat} lines read into CPU seconds; the lines were captured on the Linux build machine. */
class ProcessCpuTest {
    /** pid 1 of the build container: utime 1381, stime 8009, cutime 1874452, cstime 305799 ticks. */
    private static final String CAPTURED = "1 (process_api) S 0 0 0 0 -1 4194560 196368 280536383 0 167000 1381 8009"
            + " 1874452 305799 20 0 14 0 24 42696704 2724 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 0 0 0 0"
            + " 0 0 0 0 0 0 0 0 0 0\n";

    @Test
    void readsOwnAndChildrenTimesInSeconds() {
        ProcessCpu.Times t = ProcessCpu.parseStat(CAPTURED);

        assertEquals((1381 + 8009) / 100.0, t.selfSeconds(), 1e-9);
        assertEquals((1874452 + 305799) / 100.0, t.childrenSeconds(), 1e-9);
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        ProcessCpu.Times t = ProcessCpu.parseStat(CAPTURED.replace("(process_api)", "(java (worker) 2)"));

        assertEquals(93.90, t.selfSeconds(), 1e-9);
        assertEquals(21802.51, t.childrenSeconds(), 1e-9);
    }

    @Test
    void refusesACutLine() {
        assertThrows(IllegalArgumentException.class, () -> ProcessCpu.parseStat("1 (x) S 0 0 0"));
    }

    @Test
    void thisProcessHasSpentSomeCpuOnLinux() {
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertTrue(ProcessCpu.current().orElseThrow().selfSeconds() > 0);
        } else {
            assertTrue(ProcessCpu.current().isEmpty());
        }
    }
}

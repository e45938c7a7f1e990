package org.sparecycles.client.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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

    /** Threads of a JVM on the build machine ({@code /proc/<pid>/task/<tid>/stat}): C2 utime 19 stime 1 ticks. */
    private static final String C2_THREAD = "18882 (C2 CompilerThre) S 18866 18866 11064 0 -1 4194368 1145 0 0 0 19 1"
            + " 0 0 20 0 19 0 3743825 9188765696 19889 18446744073709551615 94285066514432 94285066515317"
            + " 140724066601328 0 0 0 4 2 16800973 1 0 0 -1 0 0 0 0 0 0 94285066526016 94285066526744 94285387493376"
            + " 140724066605792 140724066605812 140724066605812 140724066607082 0\n";
    /** The launcher's thread that ran {@code main}: utime 83 stime 9 ticks. */
    private static final String MAIN_THREAD = "18811 (java) S 18806 18806 11064 0 -1 4194368 10524 0 10 0 83 9 0 0 20"
            + " 0 19 0 3743181 9188765696 19903 18446744073709551615 94220212039680 94220212040565 140731879891040 0"
            + " 0 0 4 2 16800973 1 0 0 -1 0 0 0 0 0 0 94220212051264 94220212051992 94221218521088 140731879893725"
            + " 140731879893745 140731879893745 140731879895018 0\n";

    @Test
    void readsAThreadsNameAndTimes() {
        assertEquals(new ProcessCpu.ThreadTimes("C2 CompilerThre", 0.20), ProcessCpu.parseThreadStat(C2_THREAD));
        assertEquals(new ProcessCpu.ThreadTimes("java", 0.92), ProcessCpu.parseThreadStat(MAIN_THREAD));
        assertEquals("sparecycles-eng (x)", ProcessCpu.parseThreadStat(
                C2_THREAD.replace("C2 CompilerThre", "sparecycles-eng (x)")).name());
    }

    @Test
    void thisProcessesLiveThreadsSpentNoMoreThanTheProcess() {
        if (!System.getProperty("os.name").startsWith("Linux")) {
            assertTrue(ProcessCpu.threads().isEmpty());
            return;
        }
        List<ProcessCpu.ThreadTimes> threads = ProcessCpu.threads();
        double process = ProcessCpu.current().orElseThrow().selfSeconds();

        assertTrue(threads.stream().anyMatch(t -> t.name().startsWith("C2 CompilerThre")
                || t.name().startsWith("C1 CompilerThre")), threads::toString);
        double live = threads.stream().mapToDouble(ProcessCpu.ThreadTimes::seconds).sum();
        assertTrue(live > 0 && live <= process + 0.05, live + " s of live threads, " + process + " s of the process");
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

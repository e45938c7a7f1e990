package org.sparecycles.server.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoadTestReportTest {
    @Test
    void warnsWhenThePassesValidatedClearlyMoreThanWasReportedInTheWindow() {
        // figures of a run on 2026-12-06 whose passes had fallen behind in the warm-up
        assertEquals(Optional.of("warning: 95,772 results validated and assimilated against 52,448 reported in the"
                        + " window: the background passes worked off results reported before it, so results/s"
                        + " overstates the steady rate, which is at most the reported 1676/s; try a longer --warmup"
                        + " or --duration"),
                LoadTest.Report.backlogWorkedOff(95_772, 52_448, 31.3));
        assertEquals(Optional.empty(), LoadTest.Report.backlogWorkedOff(46_184, 44_936, 30.8), "within 5%: steady");
        assertEquals(Optional.empty(), LoadTest.Report.backlogWorkedOff(38_578, 38_868, 31.0), "fewer: no warning");
    }
}

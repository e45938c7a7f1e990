package org.sparecycles.server.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class PacingTest {
    @Test
    void threadsTogetherStartARequestEveryOneOverTheRate() {
        Pacing pacing = new Pacing(16, 50);
        long origin = 1_000_000_000L;
        List<Long> starts = new ArrayList<>();
        for (int thread = 0; thread < 16; thread++) {
            for (long n = 0; n < 10; n++) {
                starts.add(pacing.start(origin, thread, n));
            }
        }
        starts.sort(null);
        assertEquals(origin, starts.get(0));
        for (int i = 1; i < starts.size(); i++) {
            long gap = starts.get(i) - starts.get(i - 1);
            assertTrue(Math.abs(gap - 20_000_000L) <= 1, "request " + i + " starts " + gap + " ns after the one before");
        }
    }

    @Test
    void eachThreadKeepsItsShareOfTheRate() {
        Pacing pacing = new Pacing(4, 100);
        assertEquals(40_000_000L, pacing.interval());
        assertEquals(pacing.interval(), pacing.start(0, 3, 8) - pacing.start(0, 3, 7));
        assertEquals(30_000_000L, pacing.start(0, 3, 0));
    }

    @Test
    void aRequestWaitsForItsPlannedStartEvenWhenItsThreadIsWokenEarly() throws Exception {
        long planned = System.nanoTime() + 300_000_000L;
        long[] returnedAt = new long[1];
        Thread waiter = new Thread(() -> {
            Pacing.awaitStart(planned);
            returnedAt[0] = System.nanoTime();
        });
        waiter.start();
        long bound = planned + 30_000_000_000L;
        while (waiter.isAlive() && System.nanoTime() < bound) {
            LockSupport.unpark(waiter); // what a spurious wake-up does to parkNanos
            Thread.sleep(5);
        }
        assertFalse(waiter.isAlive(), "still waiting 30 s after its planned start");
        assertTrue(returnedAt[0] >= planned, "returned " + (planned - returnedAt[0]) / 1_000_000 + " ms early");
    }

    @Test
    void warnsWhenTheRequestsFellShortOfTheRate() {
        assertEquals(java.util.Optional.empty(), Pacing.shortfall(1000, 992, 64), "within 3%: held");
        assertEquals(java.util.Optional.empty(), Pacing.shortfall(0, 450, 16), "no rate asked for");
        String warning = Pacing.shortfall(1000, 812, 16).orElseThrow();
        assertTrue(warning.startsWith("warning: --rate 1000 was not held (812 requests/s)"), warning);
        assertTrue(warning.contains("16 threads are too few"), warning);
    }

    @Test
    void refusesNoThreadsOrNoRate() {
        assertThrows(IllegalArgumentException.class, () -> new Pacing(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new Pacing(4, 0));
        assertThrows(IllegalArgumentException.class, () -> new Pacing(4, Double.NaN));
    }
}

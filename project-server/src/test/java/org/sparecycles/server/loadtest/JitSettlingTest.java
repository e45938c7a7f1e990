package org.sparecycles.server.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitSettlingTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void notSettledBeforeTheSamplesCoverAWindow() {
        JitSettling jit = new JitSettling(10 * SECOND, 0.10);
        jit.sample(0, 0);
        jit.sample(5 * SECOND, 0);
        assertTrue(Double.isNaN(jit.recentShare()));
        assertFalse(jit.settled());
    }

    @Test
    void settlesWhenTheCompilersFallBelowTheShareOverTheLastWindow() {
        JitSettling jit = new JitSettling(10 * SECOND, 0.10);
        long compiled = 0;
        for (int s = 0; s <= 60; s += 5) {
            compiled += s < 30 ? 2_000 : 100; // 40% of a core in each 5 s up to 25 s, then 2%
            jit.sample(s * SECOND, compiled);
            if (s <= 30) {
                assertFalse(jit.settled(), "at " + s + " s the last 10 s held busy compiling");
            } else {
                assertTrue(jit.settled(), "at " + s + " s the last 10 s were quiet");
            }
        }
        assertTrue(jit.settled());
        assertEquals(0.02, jit.recentShare(), 1e-9);
    }
}

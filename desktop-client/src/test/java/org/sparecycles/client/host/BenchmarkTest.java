package org.sparecycles.client.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BenchmarkTest {
    @Test
    void kernelIsAPureFunction() {
        assertEquals(Benchmark.kernel(12_345), Benchmark.kernel(12_345));
        assertTrue(Benchmark.kernel(1) != Benchmark.kernel(2));
    }

    @Test
    void gflopsIsOperationsPerNanosecond() {
        assertEquals(8.0, Benchmark.gflops(1_000_000_000L, 1_000_000_000L));
        assertEquals(0.0, Benchmark.gflops(5, 0));
    }

    @Test
    void timerStopsAtTheBudgetOfItsClock() {
        // a fake clock that advances 0.1 s per reading: the budget of 1 s is spent after ten chunks
        AtomicLong now = new AtomicLong();
        double gflops = Benchmark.measure(Duration.ofSeconds(1), () -> now.getAndAdd(100_000_000L));

        assertEquals(10 * 1_000_000L * Benchmark.OPS_PER_ITERATION / 1e9, gflops, 1e-9);
    }
}

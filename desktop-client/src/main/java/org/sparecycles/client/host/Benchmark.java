package org.sparecycles.client.host;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A short floating-point benchmark: GFLOPS of one core. The kernel is a pure function; {@link #measure} is the
 * thin timer around it.
 */
public final class Benchmark {
    /** Floating-point operations per kernel iteration (4 multiplies and 4 adds). */
    static final int OPS_PER_ITERATION = 8;
    private static final long CHUNK = 1_000_000;

    private Benchmark() {
    }

    /**
     * Runs {@code iterations} of four independent multiply-add chains and returns a value depending on all of
     * them, so the JIT cannot drop the work. Pure: the same input gives the same output.
     */
    static double kernel(long iterations) {
        double a = 1.0, b = 1.1, c = 1.2, d = 1.3;
        final double m = 0.999_999_9, k = 1.0e-7;
        for (long i = 0; i < iterations; i++) {
            a = a * m + k;
            b = b * m + k;
            c = c * m + k;
            d = d * m + k;
        }
        return a + b + c + d;
    }

    /** GFLOPS from operations done and nanoseconds taken. */
    static double gflops(long iterations, long nanos) {
        return nanos <= 0 ? 0 : (double) iterations * OPS_PER_ITERATION / nanos;
    }

    /** Runs the kernel on the calling thread for about {@code budget}, after a short warm-up. */
    public static double measure(Duration budget) {
        return measure(budget, System::nanoTime);
    }

    static double measure(Duration budget, LongSupplier nanoTime) {
        double sink = kernel(CHUNK); // warm-up, lets the JIT compile the loop
        long start = nanoTime.getAsLong();
        long deadline = start + budget.toNanos();
        long iterations = 0;
        long now;
        do {
            sink += kernel(CHUNK);
            iterations += CHUNK;
            now = nanoTime.getAsLong();
        } while (now < deadline);
        if (sink == 42.0) { // never true; keeps sink alive
            System.out.print("");
        }
        return gflops(iterations, now - start);
    }
}

package org.sparecycles.server.loadtest;

import java.util.concurrent.locks.LockSupport;

/**
 * When the load generator's threads start their scheduler requests under {@code --rate}: each thread keeps its own
 * schedule of one request every {@code threads / rate} seconds, and the threads' schedules are offset from each other
 * by {@code 1 / rate}, so that together they start a request every {@code 1 / rate} seconds. (Until 2026-12-03 every
 * thread's schedule began at the same moment, so all threads' requests came at once, 16 every 16 intervals: bursts
 * that queued at the server and inflated the latency measured at a fixed rate.)
 *
 * @param threads load-generating threads, at least 1
 * @param rate    scheduler requests per second over all threads, above 0
 */
record Pacing(int threads, double rate) {
    Pacing {
        if (threads < 1 || !(rate > 0)) {
            throw new IllegalArgumentException("pacing needs at least one thread and a rate above 0: " + threads
                    + " threads, rate " + rate);
        }
    }

    /** Nanoseconds between two requests of one thread. */
    long interval() {
        return Math.round(threads * 1e9 / rate);
    }

    /**
     * Parks the calling thread until {@code planned} ({@link System#nanoTime()} terms). {@code parkNanos} may return
     * early (spuriously, or when the thread is unparked), so it parks again until the time has come: a request sent
     * early could end before its planned start and give a negative latency, which the histogram refuses. Returns
     * early only when the thread is interrupted.
     */
    static void awaitStart(long planned) {
        for (long now = System.nanoTime(); now < planned; now = System.nanoTime()) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            LockSupport.parkNanos(planned - now);
        }
    }

    /** Below this share of the rate asked for, a run did not hold it. */
    static final double HELD = 0.97;

    /**
     * A warning when the requests measured fell short of the rate asked for: their latency then counts from planned
     * starts the load generator could not keep, and grows with the run instead of telling what the server answers at
     * that rate. Empty when the rate held.
     */
    static java.util.Optional<String> shortfall(double rate, double requestsPerSecond, int threads) {
        if (!(rate > 0) || requestsPerSecond >= HELD * rate) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.format(java.util.Locale.ROOT, "warning: --rate %.0f was not held (%.0f"
                + " requests/s); the latency counts from planned starts that fell ever further behind. Either the server"
                + " is at capacity (see the run without --rate) or %s too few, since each thread waits for its replies"
                + " and uploads: try more --threads", rate, requestsPerSecond,
                threads == 1 ? "1 thread is" : threads + " threads are"));
    }

    /** The planned start (in {@link System#nanoTime()} terms) of the thread's {@code n}-th request, from 0. */
    long start(long origin, int thread, long n) {
        return origin + Math.round(thread * 1e9 / rate) + n * interval();
    }
}

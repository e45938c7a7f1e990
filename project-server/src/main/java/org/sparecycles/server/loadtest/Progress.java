package org.sparecycles.server.loadtest;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * A progress line every 5 s: the load generator's own counts, and the completed results with their rate as of the
 * last count. That count reads every result of the run, so it takes longer as the run goes on (every 5 s, it was
 * a twentieth of the process's CPU in a profile, CPU the run measures); it runs at most once per 50 times its own
 * duration, so that it takes under 2% of the time. One thread at a time.
 */
final class Progress {
    private final RunCounts counts;
    private final Supplier<String> generator;
    private final PrintStream out;
    private long completed = -1;
    private double completedPerSecond = Double.NaN;
    private long countedAt;
    private long nextCount;

    /** @param generator the load generator's own figures, the end of each line */
    Progress(RunCounts counts, Supplier<String> generator, PrintStream out) {
        this.counts = counts;
        this.generator = generator;
        this.out = out;
    }

    /** Waits up to 5 s, never past {@code until} ({@link System#nanoTime()}), then prints a progress line. */
    void tick(String phase, long until) throws Exception {
        long waitMillis = Math.min(5000, Math.max(1, (until - System.nanoTime()) / 1_000_000));
        synchronized (this) {
            wait(waitMillis);
        }
        long now = System.nanoTime();
        if (completed < 0 || now - nextCount >= 0) {
            long count = counts.completed();
            long after = System.nanoTime();
            if (completed >= 0) {
                completedPerSecond = (count - completed) / ((now - countedAt) / 1e9);
            }
            completed = count;
            countedAt = now;
            nextCount = after + 50 * (after - now);
        }
        if (!Double.isNaN(completedPerSecond)) {
            out.printf("%-9s completed %,9d (%,7.0f/s)  %s%n", phase, completed, completedPerSecond, generator.get());
        }
    }
}

package org.sparecycles.server.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * Tells when the JIT compilers have settled, for the load test's automatic warm-up: HotSpot's C2 compiler keeps
 * compiling for minutes after the load starts (on the 2-core machine of docs/benchmarks.md, a fifth of the CPU for
 * about 150 s at full load), and figures measured meanwhile are those of a server still starting up. Fed with the
 * JVM's accumulated compilation time at moments of the warm-up; settled once, over the last {@code window}, the
 * compilers spent less than {@code share} of one core. Not thread-safe.
 */
final class JitSettling {
    private final long windowNanos;
    private final double share;
    /** {nanos, compilation millis}, oldest first; the oldest is the last one at least a window before the newest. */
    private final List<long[]> samples = new ArrayList<>();

    /**
     * @param windowNanos how far back the compilers' share is measured
     * @param share       the share of one core below which they count as settled, 0..1
     */
    JitSettling(long windowNanos, double share) {
        this.windowNanos = windowNanos;
        this.share = share;
    }

    /** Records the accumulated compilation time (milliseconds) at the moment {@code nanos}. */
    void sample(long nanos, long compilationMillis) {
        samples.add(new long[] {nanos, compilationMillis});
        while (samples.size() > 2 && nanos - samples.get(1)[0] >= windowNanos) {
            samples.remove(0);
        }
    }

    /** The compilers' share of one core over the last window; NaN until the samples cover a whole window. */
    double recentShare() {
        if (samples.size() < 2) {
            return Double.NaN;
        }
        long[] first = samples.get(0);
        long[] last = samples.get(samples.size() - 1);
        if (last[0] - first[0] < windowNanos) {
            return Double.NaN;
        }
        return (last[1] - first[1]) / ((last[0] - first[0]) / 1e6);
    }

    boolean settled() {
        double recent = recentShare();
        return !Double.isNaN(recent) && recent < share;
    }
}

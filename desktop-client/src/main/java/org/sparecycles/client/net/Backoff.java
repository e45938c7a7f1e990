package org.sparecycles.client.net;

import java.time.Duration;

/**
 * Exponential backoff with jitter: after the n-th failure in a row wait between half and all of
 * {@code base * 2^(n-1)}, capped at {@code max}. Pure; the caller supplies the random number.
 */
public record Backoff(Duration base, Duration max) {

    /**
     * @param failures failures in a row, at least 1
     * @param random   uniform in [0, 1)
     */
    public Duration delay(int failures, double random) {
        if (failures < 1) {
            return Duration.ZERO;
        }
        long baseMs = base.toMillis();
        long maxMs = max.toMillis();
        int shift = Math.min(failures - 1, 40);
        long raw = baseMs > (maxMs >> shift) ? maxMs : Math.min(maxMs, baseMs << shift);
        long jittered = raw / 2 + (long) (raw / 2.0 * Math.min(Math.max(random, 0), 1));
        return Duration.ofMillis(Math.max(jittered, 1));
    }
}

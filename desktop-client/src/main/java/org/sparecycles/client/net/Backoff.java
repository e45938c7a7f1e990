package org.sparecycles.client.net;

import java.time.Duration;

/**
 * Exponential backoff with jitter: after the n-th failure in a row wait between half and all of
 * {@code base * 2^(n-1)}, capped at {@code max}. When the server said how long to wait ({@code Retry-After}), wait
 * at least that, plus up to a quarter of it more, so that clients turned away together do not come back together.
 * Pure; the caller supplies the random number.
 */
public record Backoff(Duration base, Duration max) {
    /** The longest {@code Retry-After} honoured; a server asking for more is asked again after a day. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    /**
     * @param failures   failures in a row, at least 1
     * @param random     uniform in [0, 1)
     * @param retryAfter what the server asked for, or null
     */
    public Duration delay(int failures, double random, Duration retryAfter) {
        Duration own = delay(failures, random);
        if (retryAfter == null || retryAfter.isNegative() || retryAfter.isZero()) {
            return own;
        }
        Duration asked = retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
        Duration jittered = asked.plusMillis((long) (asked.toMillis() / 4.0 * Math.min(Math.max(random, 0), 1)));
        return jittered.compareTo(own) > 0 ? jittered : own;
    }

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

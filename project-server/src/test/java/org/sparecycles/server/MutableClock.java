package org.sparecycles.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that follows real time plus an offset the test moves forward (deadlines pass without sleeping), or that
 * stands still at an instant until the test moves it ({@link #stoppedAt}).
 */
public final class MutableClock extends Clock {
    /** Where a stopped clock stands before any move; null for one that follows real time. */
    private final Instant stoppedAt;
    private volatile Duration offset = Duration.ZERO;

    MutableClock() {
        this(null);
    }

    private MutableClock(Instant stoppedAt) {
        this.stoppedAt = stoppedAt;
    }

    /** A clock that reads {@code at} until it is advanced. */
    public static MutableClock stoppedAt(Instant at) {
        return new MutableClock(at);
    }

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }

    @Override
    public Instant instant() {
        return (stoppedAt == null ? Instant.now() : stoppedAt).plus(offset);
    }
}

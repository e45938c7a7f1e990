package org.sparecycles.server.error;

import java.time.Duration;
import java.util.List;

/** The caller must wait before trying again (HTTP 429 with {@code Retry-After}), e.g. after failed log-ins. */
public final class TooManyRequestsException extends ServerException {
    private final long retryAfterSeconds;

    public TooManyRequestsException(String error, String detail, Duration retryAfter) {
        super(error, detail, List.of());
        this.retryAfterSeconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }

    /** Whole seconds to wait, at least 1 (the {@code Retry-After} header). */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

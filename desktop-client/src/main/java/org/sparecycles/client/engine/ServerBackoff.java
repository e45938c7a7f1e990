package org.sparecycles.client.engine;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.sparecycles.client.net.Backoff;
import org.sparecycles.client.net.Failures;

/**
 * Failed calls to the server in a row, and how long to wait after them. Scheduler requests and attach steps count
 * together; only a scheduler reply starts the count again. Engine thread only.
 */
final class ServerBackoff {
    private final Backoff backoff;
    private int failures;

    ServerBackoff(Backoff backoff) {
        this.backoff = backoff;
    }

    /** Counts one more failure; returns the wait before the next try (at least what the server asked for). */
    Duration failed(Throwable error) {
        failures++;
        return backoff.delay(failures, ThreadLocalRandom.current().nextDouble(),
                Failures.retryAfter(error).orElse(null));
    }

    int failures() {
        return failures;
    }

    void answered() {
        failures = 0;
    }
}

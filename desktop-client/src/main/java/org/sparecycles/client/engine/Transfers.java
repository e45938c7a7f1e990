package org.sparecycles.client.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.sparecycles.client.net.Backoff;

/**
 * Book-keeping of downloads and uploads: which run now (per task), and when a failed one may try again. Engine
 * thread only, except {@link #show}, which the I/O thread calls to name the file under way.
 */
final class Transfers {
    private final Map<Long, EngineSnapshot.TransferView> running = new ConcurrentHashMap<>();
    private final Map<Long, Integer> failures = new HashMap<>();
    private final Map<Long, Instant> retryAt = new HashMap<>();
    private final Backoff backoff;

    Transfers(Backoff backoff) {
        this.backoff = backoff;
    }

    /** True when the task's transfer may start now: none runs and no retry wait is pending. */
    boolean mayStart(long id, Instant now) {
        return !running.containsKey(id) && !retryAt.getOrDefault(id, Instant.EPOCH).isAfter(now);
    }

    void started(long id, String direction) {
        retryAt.remove(id);
        show(new EngineSnapshot.TransferView(id, direction, "", 0));
    }

    void show(EngineSnapshot.TransferView view) {
        running.put(view.resultId(), view);
    }

    /** Finished, for good or given up: forget the task. */
    void done(long id) {
        running.remove(id);
        failures.remove(id);
        retryAt.remove(id);
    }

    /**
     * Failed for a passing reason: returns how long to wait before the next try (at least what the server asked
     * for in {@code retryAfter}, which may be null).
     */
    Duration failed(long id, Instant now, double random, Duration retryAfter) {
        running.remove(id);
        int n = failures.merge(id, 1, Integer::sum);
        Duration d = backoff.delay(n, random, retryAfter);
        retryAt.put(id, now.plus(d));
        return d;
    }

    /** Forgets every retry wait, so waiting transfers start at the next step ("retry now"). */
    void retryNow() {
        retryAt.clear();
    }

    /** Transfers waiting to retry, and when. */
    Map<Long, Instant> retries() {
        return Map.copyOf(retryAt);
    }

    /** The earliest pending retry, if any. */
    Optional<Instant> nextRetry() {
        return retryAt.values().stream().min(Instant::compareTo);
    }

    List<EngineSnapshot.TransferView> views() {
        return List.copyOf(running.values());
    }
}

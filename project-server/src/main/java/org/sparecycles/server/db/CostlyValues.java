package org.sparecycles.server.db;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Values that are costly to compute, reused while they are young compared with what they cost: a value that took
 * {@code t} to compute (at least {@link #MIN_COST}) is served again for {@link #FACTOR} times {@code t}, at most
 * {@link #MAX_AGE}; a cheap one is computed every time. So asking for it often costs at most about a fifth of a core,
 * and the answer is never older than {@code MAX_AGE}. Thread-safe; two callers may compute the same value at once.
 */
public final class CostlyValues<K, V> {
    public static final Duration MIN_COST = Duration.ofMillis(100);
    public static final int FACTOR = 5;
    public static final Duration MAX_AGE = Duration.ofSeconds(30);

    private record Entry<V>(V value, long untilNanos) {
    }

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    /** @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime}) */
    public CostlyValues(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    public V get(K key, Supplier<V> compute) {
        long start = nanoTime.getAsLong();
        Entry<V> known = entries.get(key);
        if (known != null && start - known.untilNanos() < 0) {
            return known.value();
        }
        V value = compute.get();
        long cost = nanoTime.getAsLong() - start;
        if (cost >= MIN_COST.toNanos()) {
            entries.put(key, new Entry<>(value, start + cost + Math.min(MAX_AGE.toNanos(), FACTOR * cost)));
        } else {
            entries.remove(key);
        }
        return value;
    }

    /** Drops the key's value, so the next {@link #get} computes it (after a change the caller made itself). */
    public void forget(K key) {
        entries.remove(key);
    }
}

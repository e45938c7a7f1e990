package org.sparecycles.server.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Spreads a background pass's work units over several threads, each thread its share by work unit id (as BOINC
 * runs several validators or assimilators, each with {@code -mod N i}): one work unit is never worked on by two
 * threads at once, and each share keeps the order it was given. The calling thread works on one share, helper
 * threads on the others. Thread-safe; {@link #close()} stops the helpers.
 */
public final class WorkShares implements AutoCloseable {
    private final int threads;
    /** The threads beyond the calling one; none with one thread. */
    private final ExecutorService helpers;

    /** @param threads threads to work on at once, the calling one included; at least 1 */
    public WorkShares(int threads) {
        this(threads, 0);
    }

    /**
     * @param threads threads to work on at once, the calling one included; at least 1
     * @param nice    how much lower the helper threads' CPU priority is than the process's ({@link CpuPriority})
     */
    public WorkShares(int threads, int nice) {
        if (threads < 1) {
            throw new IllegalArgumentException("background threads must be at least 1: " + threads);
        }
        ThreadFactory helperThreads = CpuPriority.daemonThreads(n -> "sparecycles-background-helper-" + n, nice);
        this.threads = threads;
        this.helpers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, helperThreads);
    }

    /**
     * Splits the items by their work unit's id over the threads and runs the work on each share; returns when all
     * shares are done, throwing the first failure with the others suppressed.
     */
    public <T> void run(List<T> items, ToLongFunction<T> workUnit, Consumer<List<T>> work) {
        int n = Math.min(threads, items.size());
        if (n <= 1) {
            work.accept(items);
            return;
        }
        List<List<T>> shares = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            shares.add(new ArrayList<>());
        }
        for (T item : items) {
            shares.get((int) Math.floorMod(workUnit.applyAsLong(item), (long) n)).add(item);
        }
        List<Future<?>> others = new ArrayList<>();
        for (List<T> share : shares.subList(1, n)) {
            others.add(helpers.submit(() -> work.accept(share)));
        }
        RuntimeException failed = null;
        try {
            work.accept(shares.get(0));
        } catch (RuntimeException e) {
            failed = e;
        }
        for (Future<?> other : others) {
            RuntimeException cause = outcome(other);
            if (cause != null && failed == null) {
                failed = cause;
            } else if (cause != null) {
                failed.addSuppressed(cause);
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** Waits for a helper's share; its failure, or null. */
    private static RuntimeException outcome(Future<?> share) {
        try {
            share.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof RuntimeException r ? r
                    : new IllegalStateException("background helper thread failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new IllegalStateException("interrupted while waiting for the background helper threads", e);
        }
    }

    /** Stops the helper threads; call when no pass runs any more. */
    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdown();
        }
    }
}

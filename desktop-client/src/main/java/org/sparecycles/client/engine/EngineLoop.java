package org.sparecycles.client.engine;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The engine's threads: one engine thread that owns all state, and a small I/O pool for blocking calls whose
 * outcomes are handed back to the engine thread. Idle pool threads time out, so an idle engine holds one thread
 * and a timer.
 */
final class EngineLoop {
    private static final int IO_THREADS = 3;
    private static final Duration IO_END_WAIT = Duration.ofSeconds(5);

    private final ScheduledThreadPoolExecutor loop;
    private final ThreadPoolExecutor io;
    private final Consumer<RuntimeException> onBug;

    /** @param onBug told (on the engine thread) about exceptions escaping a task, which are bugs */
    EngineLoop(Consumer<RuntimeException> onBug) {
        this.onBug = onBug;
        loop = new ScheduledThreadPoolExecutor(1, r -> thread(r, "engine"));
        loop.setRemoveOnCancelPolicy(true);
        io = new ThreadPoolExecutor(IO_THREADS, IO_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> thread(CpuLedger.countedWhenEnded(r), "engine-io"));
        io.allowCoreThreadTimeOut(true);
    }

    /** A blocking call run on the I/O pool. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Exception;
    }

    /** Runs {@code r} on the engine thread; ignored once shut down. */
    void post(Runnable r) {
        try {
            loop.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    onBug.accept(e);
                }
            });
        } catch (RejectedExecutionException e) {
            // shut down
        }
    }

    /** Runs {@code r} on the engine thread after {@code delay}. */
    ScheduledFuture<?> schedule(Runnable r, Duration delay) {
        return loop.schedule(() -> post(r), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Runs the call on the I/O pool, then its outcome's handler on the engine thread. */
    <T> void background(Call<T> call, Consumer<T> onSuccess, Consumer<Exception> onFailure) {
        try {
            io.execute(() -> {
                try {
                    T value = call.run();
                    post(() -> onSuccess.accept(value));
                } catch (Exception e) {
                    post(() -> onFailure.accept(e));
                }
            });
        } catch (RejectedExecutionException e) {
            // shut down
        }
    }

    /**
     * Runs {@code r} on the engine thread and waits for it, then stops both threads. Tasks posted meanwhile (a reply
     * that came in, a worker's exit) are dropped, not run after {@code r}, so nothing changes or saves the state after
     * it. Returns once both threads have ended: the I/O pool's within {@link #IO_END_WAIT} (a transfer that does not
     * give way to the interrupt is left to end by itself), the engine thread's within {@code bound}.
     */
    void shutDownAfter(Runnable r, Duration bound) {
        if (!loop.isShutdown()) {
            try {
                loop.submit(() -> {
                    try {
                        r.run();
                    } finally {
                        loop.shutdownNow(); // on the engine thread: what was queued behind r never runs
                    }
                }).get(bound.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // the engine thread failed or is stuck: stop anyway
            }
            loop.shutdownNow();
        }
        io.shutdownNow();
        awaitEnd(io, IO_END_WAIT);
        awaitEnd(loop, bound);
    }

    private static void awaitEnd(ExecutorService threads, Duration bound) {
        try {
            threads.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, "sparecycles-" + name);
        t.setDaemon(true);
        return t;
    }
}

package org.sparecycles.server;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparecycles.server.assimilation.Assimilator;
import org.sparecycles.server.db.BackgroundLease;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.lifecycle.CpuPriority;
import org.sparecycles.server.lifecycle.PassCursor;
import org.sparecycles.server.lifecycle.Transitioner;
import org.sparecycles.server.lifecycle.WorkShares;
import org.sparecycles.server.validation.Validator;

/**
 * Runs transitioner, validator, transitioner again (for replicas the validator asked for) and assimilator, in
 * that order: every {@code background.interval.seconds} on one daemon thread, soon after a scheduler request
 * reported results ({@link #poke()}), and synchronously from {@link #runNow()}. A lock keeps passes from
 * overlapping, so the daemons never race one another; their updates are guarded anyway. When several nodes share
 * the database, only the holder of the {@link BackgroundLease} runs passes.
 */
final class BackgroundPasses implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundPasses.class);

    private final Transitioner transitioner;
    private final Validator validator;
    private final Assimilator assimilator;
    private final Clock clock;
    private final BackgroundLease lease;
    private final Map<String, Instant> lastRuns = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean pokePending = new AtomicBoolean();
    private final ScheduledExecutorService thread;

    private final Jdbc jdbc;
    private final WorkShares shares;

    /**
     * @param shares the helper threads of the transitioner, validator and assimilator, closed with the passes
     * @param nice   how much lower the passes' thread's CPU priority is than the process's ({@link CpuPriority})
     */
    BackgroundPasses(Jdbc jdbc, Transitioner transitioner, Validator validator, Assimilator assimilator, Clock clock,
                     BackgroundLease lease, WorkShares shares, int nice) {
        this.thread = Executors.newSingleThreadScheduledExecutor(
                CpuPriority.daemonThreads(n -> "sparecycles-background", nice));
        this.shares = shares;
        this.jdbc = jdbc;
        this.clock = clock;
        this.lease = lease;
        this.transitioner = transitioner;
        this.validator = validator;
        this.assimilator = assimilator;
    }

    void start(long intervalSeconds) {
        thread.scheduleWithFixedDelay(this::runLogged, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    /** Least time from the end of one pass to the start of a poked one. */
    static final long POKED_PASS_GAP_MILLIS = 20;
    /** When the last pass ended ({@link System#nanoTime()}). */
    private volatile long lastPassEnded = System.nanoTime() - POKED_PASS_GAP_MILLIS * 1_000_000;

    /**
     * Asks for a pass soon: at once, or {@value #POKED_PASS_GAP_MILLIS} ms after the last one ended; several pokes
     * before it runs make one pass. Each pass ends with a database write of its own, so passes run back to back
     * after every reporting request made more writes than requests at a steady rate below full load.
     */
    void poke() {
        if (pokePending.compareAndSet(false, true)) {
            schedulePoked(0);
        }
    }

    private void schedulePoked(long delayNanos) {
        try {
            thread.schedule(() -> {
                long wait = lastPassEnded + POKED_PASS_GAP_MILLIS * 1_000_000 - System.nanoTime();
                if (wait > 0) {
                    schedulePoked(wait); // the last pass ended less than the gap ago: wait out the rest
                    return;
                }
                pokePending.set(false);
                runLogged();
            }, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pokePending.set(false); // shutting down
        }
    }

    /**
     * Runs one full pass on the calling thread; waits for a pass in progress first. Does nothing while another
     * node sharing the database holds the background lease. Returns once what the pass did is durable: the pass's
     * transactions do not wait for the group commit one by one (a crash may undo the last moments of a pass, and
     * the next pass does that work again, as no answer to a client depends on it), but the pass writes its changes
     * once at its end, so a crash undoes at most the pass in progress. A pass that did nothing (the lease is another
     * node's) writes nothing.
     *
     * <p>A pass takes at most {@value PassCursor#LIMIT} rows of each job's queries ({@link PassCursor}); while a
     * backlog is left, the next pass follows at once, up to {@value #MAX_PASSES_PER_RUN} in one call, each written
     * to disk at its end. So a backlog comes out validated and merged as it goes down, not all at the end of one
     * long pass, and a crash undoes at most one pass.
     */
    void runNow() {
        try {
            for (int i = 0; i < MAX_PASSES_PER_RUN; i++) {
                Pass done = pass();
                if (done != Pass.SKIPPED) {
                    jdbc.awaitDurable();
                }
                if (done != Pass.MORE_WAITING || thread.isShutdown()) {
                    return;
                }
            }
        } finally {
            lastPassEnded = System.nanoTime();
        }
    }

    /** Bounded passes one {@link #runNow} call runs back to back at most while a backlog is left. */
    static final int MAX_PASSES_PER_RUN = 100;

    /** What one pass did. */
    private enum Pass {
        /** Another node holds the lease: nothing was done. */
        SKIPPED,
        /** Every job read what was waiting. */
        DONE,
        /** A job stopped at its limit, or did not start at the beginning: more may be waiting. */
        MORE_WAITING
    }

    /** One bounded pass, its transactions committed but perhaps not yet durable. */
    private Pass pass() {
        lock.lock();
        try {
            if (!lease.tryHold()) {
                return Pass.SKIPPED;
            }
            boolean more = transitioner.runPass();
            more |= validator.runPass();
            ran("validator");
            more |= transitioner.runPass();
            ran("transitioner");
            more |= assimilator.runPass();
            ran("assimilator");
            return more ? Pass.MORE_WAITING : Pass.DONE;
        } finally {
            lock.unlock();
        }
    }

    private void ran(String job) {
        synchronized (lastRuns) {
            lastRuns.put(job, clock.instant());
        }
    }

    /** When each job last finished a pass, by name (transitioner, validator, assimilator); empty before the first. */
    Map<String, Instant> lastRuns() {
        synchronized (lastRuns) {
            return Map.copyOf(lastRuns);
        }
    }

    private void runLogged() {
        try {
            runNow();
        } catch (RuntimeException e) {
            LOG.error("background pass failed; the next one retries", e);
        }
    }

    @Override
    public void close() {
        thread.shutdown(); // let a running pass finish: interrupting JDBC calls gains nothing
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("background pass still running at shutdown; interrupting it");
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock(); // wait for a pass started by runNow on another thread
        try {
            shares.close();
            lease.release();
        } catch (RuntimeException e) {
            LOG.warn("could not release the background lease; another node takes it when it expires", e);
        } finally {
            lock.unlock();
        }
    }
}

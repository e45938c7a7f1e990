package org.sparecycles.server.db;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the database's group commit for a write that does not end (a disk or network file system that stops
 * answering, a fault of the database engine). Such a write holds up the requests that wait for their changes to be
 * written (uploads, batches, registrations; on H2 scheduler replies go on into the scheduler's journal, which then
 * grows) while the database still answers reads, so {@code GET /health} used to answer {@code ok} meanwhile. Once
 * a write has taken longer than the limit, {@link #stalledFor()} says so (the health check answers 503) and the log
 * has an error, once per stall; when writes end again the log says that too. Checked every few seconds on a daemon
 * thread of its own, which no stuck write can hold up. Thread-safe.
 */
public final class WriteStallWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteStallWatch.class);
    /** A write this long has stalled: H2's writes take milliseconds, a checkpoint after a large batch seconds. */
    public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(30);

    private final GroupCommit groupCommit;
    private final Duration limit;
    private final ScheduledExecutorService timer;
    private boolean reported; // guarded by this

    /** A watch that answers {@link #stalledFor()} at once, and also looks by itself once {@link #start()}ed. */
    public WriteStallWatch(GroupCommit groupCommit, Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("the write stall limit must be positive, not " + limit);
        }
        this.groupCommit = groupCommit;
        this.limit = limit;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "db-write-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Looks every {@code min(limit / 2, 5 s)}, so that a stall is logged even when nobody asks for health. */
    public void start() {
        long every = Math.max(1, Math.min(limit.toMillis() / 2, 5_000));
        timer.scheduleWithFixedDelay(this::stalledFor, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * How long the write in progress has taken, when that is over the limit; zero while writes end in time. Logs
     * the stall when it is first seen, and its end.
     */
    public synchronized Duration stalledFor() {
        Duration running = groupCommit.writeInProgressFor();
        boolean stalled = running.compareTo(limit) > 0;
        if (stalled && !reported) {
            LOG.error("a database write has not ended after {} s: uploads, batches and registrations wait for it,"
                    + " and /api/v1/health answers 503. A restart ends it; what was acknowledged before is in the database"
                    + " file or the scheduler's journal (docs/admin-guide.md, \"Durability\")", running.toSeconds());
        } else if (!stalled && reported) {
            LOG.info("database writes end again");
        }
        reported = stalled;
        return stalled ? running : Duration.ZERO;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

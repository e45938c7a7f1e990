package org.sparecycles.server.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Makes committed transactions durable in groups. On embedded H2 a commit stays in memory (H2's background writer
 * writes it within its write delay); {@link #awaitDurable()} returns once the database file holds everything
 * committed before the call. Callers waiting together share one write: the first becomes the writer and runs H2's
 * {@code CHECKPOINT} (which writes the store's changed pages as one chunk), the others wait for it, and those who
 * arrive while it writes are served by the next one. Under load one write covers many transactions, where a write
 * per commit ({@code WRITE_DELAY=0}) wrote the changed B-tree pages of every index once per transaction.
 *
 * <p>"Durable" means what it meant with {@code WRITE_DELAY=0}: written to the file (the operating system's cache),
 * so it survives the server process being killed; H2 does not fsync its commits either way (see admin-guide.md,
 * "Durability"). On PostgreSQL every commit is durable when it returns and waiting does nothing.
 *
 * <p>Thread-safe.
 */
public abstract class GroupCommit implements AutoCloseable {
    /**
     * Writes made so far, the waits they served (a wait: one request's or pass's transactions) and the time spent
     * writing (wall clock, nanoseconds).
     */
    public record Counts(long writes, long waits, long writeNanos) {
    }

    /** For a database whose commits are durable when they return. */
    public static GroupCommit none() {
        return new GroupCommit() {
            @Override
            public void awaitDurable() {
            }

            @Override
            public boolean durableOnCommit() {
                return true;
            }

            @Override
            public Counts counts() {
                return new Counts(0, 0, 0);
            }

            @Override
            public java.time.Duration writeInProgressFor() {
                return java.time.Duration.ZERO;
            }

            @Override
            public void close() {
            }
        };
    }

    /** For an H2 database: writes through its own connection, opened at once with the URL and user given. */
    static GroupCommit h2(String url, String user, String password) {
        try {
            return new H2(DriverManager.getConnection(url, user, password));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the database's writer connection: " + e.getMessage(), e);
        }
    }

    /**
     * Returns when every transaction committed before this call is durable.
     *
     * @throws Jdbc.DataAccessException when the write fails (a full disk, a closed database)
     */
    public abstract void awaitDurable();

    public abstract Counts counts();

    /** Whether a commit is durable when it returns, so that {@link #awaitDurable()} does nothing. */
    public boolean durableOnCommit() {
        return false;
    }

    /**
     * How long the database write in progress has taken so far; zero when none is in progress. A write that does
     * not end holds up every caller of {@link #awaitDurable()} ({@link WriteStallWatch}).
     */
    public abstract java.time.Duration writeInProgressFor();

    @Override
    public abstract void close();

    private static final class H2 extends GroupCommit {
        private final Object lock = new Object();
        private final Connection writer;
        /** The last ticket handed out; a ticket is taken after its transaction committed. */
        private long issued;
        /** Every ticket up to this one is durable. */
        private long written;
        private long writes;
        private long writeNanos;
        private boolean writing;
        /** {@link System#nanoTime()} when the write in progress started. */
        private long writeStarted;

        H2(Connection writer) {
            this.writer = writer;
        }

        @Override
        public void awaitDurable() {
            long upTo;
            synchronized (lock) {
                long ticket = ++issued;
                while (true) {
                    if (written >= ticket) {
                        return;
                    }
                    if (!writing) {
                        break;
                    }
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for the database write", e);
                    }
                }
                writing = true;
                writeStarted = System.nanoTime();
                upTo = issued; // every ticket issued so far belongs to a transaction that has committed
            }
            // no waiting for more to join: tried (1-2 ms, as PostgreSQL's commit_delay), it wrote 5-13% fewer bytes
            // per result and did not lower the CPU per result measurably, and it adds to every request's latency
            boolean done = false;
            try {
                write();
                done = true;
            } finally {
                synchronized (lock) {
                    if (done) {
                        written = Math.max(written, upTo);
                        writes++;
                        writeNanos += System.nanoTime() - writeStarted;
                    }
                    writing = false;
                    lock.notifyAll(); // on failure a waiter becomes the next writer and meets the error itself
                }
            }
        }

        @Override
        public Counts counts() {
            synchronized (lock) {
                return new Counts(writes, issued, writeNanos);
            }
        }

        @Override
        public java.time.Duration writeInProgressFor() {
            synchronized (lock) {
                return writing ? java.time.Duration.ofNanos(System.nanoTime() - writeStarted) : java.time.Duration.ZERO;
            }
        }

        private void write() {
            try (Statement s = writer.createStatement()) {
                s.execute("CHECKPOINT");
            } catch (SQLException e) {
                throw new Jdbc.DataAccessException(e);
            }
        }

        @Override
        public void close() {
            try {
                writer.close();
            } catch (SQLException e) {
                throw new Jdbc.DataAccessException(e);
            }
        }
    }
}

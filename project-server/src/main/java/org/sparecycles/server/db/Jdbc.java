package org.sparecycles.server.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Small JDBC helper: transactions and one-line queries with positional arguments. {@link Instant} arguments
 * are bound as {@code TIMESTAMP WITH TIME ZONE} in UTC. SQL errors become {@link DataAccessException}.
 * Writes ({@link #inTransaction}, {@link #update}) return once durable, through the database's {@link GroupCommit};
 * the other calls are for reads. Thread-safe; each call takes its own connection unless one is passed.
 */
public final class Jdbc {
    private final DataSource dataSource;
    private final GroupCommit groupCommit;

    /** For a database whose commits are durable when they return (PostgreSQL, tests' in-memory databases). */
    public Jdbc(DataSource dataSource) {
        this(dataSource, GroupCommit.none());
    }

    public Jdbc(DataSource dataSource, GroupCommit groupCommit) {
        this.dataSource = dataSource;
        this.groupCommit = groupCommit;
    }

    /** Work in one transaction, with a connection whose auto-commit is off. */
    @FunctionalInterface
    public interface TransactionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Maps the current row. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /** Runs the work in one transaction: committed and durable when it returns, rolled back when it throws. */
    public <T> T inTransaction(TransactionWork<T> work) {
        T result = inTransactionNotYetDurable(work);
        groupCommit.awaitDurable();
        return result;
    }

    /**
     * Runs the work in one transaction, committed when it returns but perhaps not yet durable: for several
     * transactions of one request, followed by one {@link #awaitDurable()} before the answer goes out.
     */
    public <T> T inTransactionNotYetDurable(TransactionWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** Work on one item of a group, inside the group's transaction. */
    @FunctionalInterface
    public interface ItemWork<T> {
        void run(Connection connection, T item) throws SQLException;
    }

    /** Work on a group of items, in one transaction. */
    @FunctionalInterface
    public interface GroupWork<T> {
        void run(Connection connection, List<T> group) throws SQLException;
    }

    /**
     * Runs the work on every item, {@code perTransaction} items to a transaction (a commit per item would cost most
     * of the time on H2). When a group's transaction fails, its items are done again one to a transaction, so one
     * bad item cannot hold up the others; a failure of a single item is thrown. Committed, perhaps not yet durable,
     * when it returns: for the background passes, whose work a crash may undo (it is done again at the next pass).
     */
    public <T> void inTransactionsNotYetDurable(List<T> items, int perTransaction, ItemWork<T> work) {
        inGroupTransactionsNotYetDurable(items, perTransaction, (c, group) -> {
            for (T item : group) {
                work.run(c, item);
            }
        });
    }

    /**
     * As {@link #inTransactionsNotYetDurable(List, int, ItemWork)}, with the work given each group whole (and, when
     * the group failed, each of its items as a group of one): for work that ends a group with something done once
     * for all its items.
     */
    public <T> void inGroupTransactionsNotYetDurable(List<T> items, int perTransaction, GroupWork<T> work) {
        for (int from = 0; from < items.size(); from += perTransaction) {
            List<T> group = items.subList(from, Math.min(items.size(), from + perTransaction));
            try {
                inTransactionNotYetDurable(c -> {
                    work.run(c, group);
                    return null;
                });
            } catch (RuntimeException groupFailed) {
                for (T item : group) {
                    inTransactionNotYetDurable(c -> {
                        work.run(c, List.of(item));
                        return null;
                    });
                }
            }
        }
    }

    /** Returns when everything committed before the call is durable. */
    public void awaitDurable() {
        groupCommit.awaitDurable();
    }

    /**
     * Runs the work on a connection in auto-commit mode, for reads: a write made through it may not be durable
     * when it returns.
     */
    public <T> T withConnection(TransactionWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        return withConnection(c -> query(c, sql, mapper, args));
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args) {
        return withConnection(c -> queryOne(c, sql, mapper, args));
    }

    public long queryLong(String sql, Object... args) {
        return withConnection(c -> queryLong(c, sql, args));
    }

    /** Executes an update in auto-commit mode; returns the number of rows changed once the change is durable. */
    public int update(String sql, Object... args) {
        int changed = updateNotYetDurable(sql, args);
        groupCommit.awaitDurable();
        return changed;
    }

    /**
     * Executes an update in auto-commit mode without waiting for it to be durable: for bookkeeping that may be lost
     * with the last moments before a crash (a last-contact time), or that an {@link #awaitDurable()} follows.
     */
    public int updateNotYetDurable(String sql, Object... args) {
        return withConnection(c -> update(c, sql, args));
    }

    public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... args)
            throws SQLException {
        if (LockingStatements.applies(sql)) {
            return rows(LockingStatements.prepared(c, sql), mapper, args); // kept open for the next time
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            return rows(ps, mapper, args);
        }
    }

    private static <T> List<T> rows(PreparedStatement ps, RowMapper<T> mapper, Object[] args) throws SQLException {
        bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
            return out;
        }
    }

    public static <T> Optional<T> queryOne(Connection c, String sql, RowMapper<T> mapper, Object... args)
            throws SQLException {
        List<T> rows = query(c, sql, mapper, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** The first column of the first row as a long; 0 when there is no row or it is null. */
    public static long queryLong(Connection c, String sql, Object... args) throws SQLException {
        return queryOne(c, sql, rs -> rs.getLong(1), args).orElse(0L);
    }

    /** Executes an update; returns the number of rows changed. */
    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    /** Executes an insert into a table whose first column is a generated {@code id}; returns it. */
    public static long insert(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            bind(ps, args);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no generated key for: " + sql);
                }
                return keys.getLong(1);
            }
        }
    }

    /** Reads a {@code TIMESTAMP WITH TIME ZONE} column; null stays null. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** Reads a nullable BIGINT column. */
    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Instant t) {
                ps.setObject(i + 1, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
            } else if (a instanceof Enum<?> e) {
                ps.setString(i + 1, e.name());
            } else {
                ps.setObject(i + 1, a);
            }
        }
    }

    /** An SQL failure that is not the caller's fault. */
    public static final class DataAccessException extends RuntimeException {
        public DataAccessException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}

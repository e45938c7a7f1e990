package org.sparecycles.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.mvstore.tx.LeftoverCommits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's database: an H2 file database under {@code <data dir>/db/} by default, or an external
 * PostgreSQL database given by JDBC URL ({@code db.url}); pooled by HikariCP and migrated by Flyway from
 * {@code db/migration} (portable SQL, run on both), {@link DuplicateIndexes} and {@link ShadowedForeignKeys} (H2
 * only). The file is locked while open, so a second process (for example {@code user add} while the server runs)
 * gets {@link DatabaseInUseException}.
 */
public final class Database implements AutoCloseable {
    /** H2's error code for a database file locked by another process (ErrorCode.DATABASE_ALREADY_OPEN_1). */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final GroupCommit groupCommit;

    private Database(HikariDataSource dataSource, GroupCommit groupCommit) {
        this.dataSource = dataSource;
        this.groupCommit = groupCommit;
    }

    /**
     * Opens and migrates the database at a JDBC URL (PostgreSQL, or H2 given by URL); with a null URL, the
     * embedded H2 database of the data dir as by {@link #open(Path)}.
     */
    public static Database open(Path dataDir, String url, String user, String password) {
        if (url == null) {
            return open(dataDir);
        }
        if (url.startsWith("jdbc:h2:")) {
            finishLeftoverCommits(url, user, password);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(10);
        config.setPoolName("sparecycles-db");
        config.setInitializationFailTimeout(10_000);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to the database at " + withoutPassword(url) + ": "
                    + e.getMessage(), e);
        }
        GroupCommit groupCommit;
        try {
            groupCommit = url.startsWith("jdbc:h2:") ? GroupCommit.h2(url, user, password) : GroupCommit.none();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return migrated(ds, groupCommit);
    }

    /** The URL with any {@code password=} parameter masked, for messages. */
    static String withoutPassword(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static Database migrated(HikariDataSource ds, GroupCommit groupCommit) {
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration")
                    .javaMigrations(new DuplicateIndexes(), new ShadowedForeignKeys()).load().migrate();
            groupCommit.awaitDurable();
        } catch (RuntimeException e) {
            groupCommit.close();
            ds.close();
            throw e;
        }
        return new Database(ds, groupCommit);
    }

    /** Opens (creating if needed) and migrates the database of a data dir. */
    public static Database open(Path dataDir) {
        Path dir = dataDir.resolve("db");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        // WRITE_DELAY: H2's background writer writes commits within this many ms; what callers are told is written
        // before they are told, by the group commit (Jdbc), so acknowledged reports survive kill -9.
        // QUERY_CACHE_SIZE: parsed statements kept per connection (default 8); the scheduler alone runs ~20 kinds.
        // CACHE_SIZE: H2's page cache, 16 MB; see PAGE_CACHE_KILOBYTES.
        String url = "jdbc:h2:file:" + dir.resolve("sparecycles").toAbsolutePath()
                + ";WRITE_DELAY=500;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=128;CACHE_SIZE="
                + PAGE_CACHE_KILOBYTES;
        try (Connection probe = DriverManager.getConnection(url, "sa", "")) {
            probe.isValid(1); // fails fast when another process holds the file, before a pool starts retrying
            finishLeftoverCommits(probe, dir.toString());
        } catch (SQLException e) {
            if (e.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                throw new DatabaseInUseException(dir, e);
            }
            throw new IllegalStateException("cannot open the database in " + dir + ": " + e.getMessage(), e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(10);
        config.setPoolName("sparecycles-db");
        GroupCommit groupCommit = GroupCommit.h2(url, "sa", "");
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            groupCommit.close();
            throw e;
        }
        return migrated(ds, groupCommit);
    }

    /** An H2 database given by URL: see {@link #finishLeftoverCommits(Connection, String)}. */
    private static void finishLeftoverCommits(String url, String user, String password) {
        java.util.Properties credentials = new java.util.Properties();
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        try (Connection probe = DriverManager.getConnection(url, credentials)) {
            finishLeftoverCommits(probe, withoutPassword(url));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the database at " + withoutPassword(url) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Applies the transactions H2 left committed but not applied after a crash ({@link LeftoverCommits}), on the first
     * connection, before anything else runs; closing that connection writes the store without them. Only where the
     * database runs in this process and this connection is its only session, so that no commit of another session
     * can be under way (through an H2 server, or on a database this process has open already, nothing is done).
     */
    private static void finishLeftoverCommits(Connection probe, String where) throws SQLException {
        if (probe.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionLocal session
                && session.getDatabase().getSessions(false).length == 1) {
            int finished = LeftoverCommits.finish(session.getDatabase().getStore().getTransactionStore());
            if (finished > 0) {
                LOG.warn("the database in {} was not closed cleanly and H2 left {} committed transaction(s) unapplied,"
                        + " with their rows locked; applied them", where, finished);
            }
        }
    }

    /**
     * H2's page cache: 16 MB, H2's own default, whatever the heap. H2 writes a new copy of every page it changes and
     * keeps the copies in this cache long enough for them to survive young garbage collections, so G1 copies them at
     * every pause and the cache's size sets the pause: with the load test at a fixed 500 scheduler requests/s, young
     * pauses of 19 to 23 ms (median of each run) with 16 MB against 30 to 53 ms with 32 MB (the size before) and 90
     * to 240 ms with 256 MB; a pause is a floor under the scheduler's p99. Results per second were not lower, with a
     * million work units in the database too (docs/benchmarks.md, "One result per request, and the page cache and
     * the young pauses").
     */
    static final int PAGE_CACHE_KILOBYTES = 16 * 1024;

    public DataSource dataSource() {
        return dataSource;
    }

    /** How this database's commits are made durable. */
    public GroupCommit groupCommit() {
        return groupCommit;
    }

    /** A helper running statements on this database. */
    public Jdbc jdbc() {
        return new Jdbc(dataSource, groupCommit);
    }

    @Override
    public void close() {
        dataSource.close();
        groupCommit.close();
    }

    /** Another process holds the database open. */
    public static final class DatabaseInUseException extends IllegalStateException {
        DatabaseInUseException(Path dir, Throwable cause) {
            super("the database in " + dir + " is in use by another process (is the server running? stop it first)",
                    cause);
        }
    }
}

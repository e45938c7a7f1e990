package org.sparecycles.server.db;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * For tests of the order transactions lock rows in, on H2 or PostgreSQL: waiting until a transaction waits for
 * another, and trying a row with a short lock timeout to see whether the waiting transaction holds it.
 */
public final class LockWaits {
    private LockWaits() {
    }

    private static boolean postgres(Connection c) throws SQLException {
        return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
    }

    /**
     * Waits, at most 10 s, until a session of the database waits for another's transaction: for a row it locked,
     * or, on H2, which does not list that wait as one for a lock, in an insert beginning with
     * {@code h2WaitingInsert} (a key another transaction inserted; null for none).
     */
    public static void awaitAWaitingSession(DataSource db, String h2WaitingInsert) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Connection c = db.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(postgres(c)
                         ? "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                         : "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL"
                                 + (h2WaitingInsert == null ? ""
                                         : " OR EXECUTING_STATEMENT LIKE '" + h2WaitingInsert + "%'"))) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < until, "no session came to wait for another");
            Thread.sleep(10);
        }
    }

    /**
     * Runs the update on the connection with a lock timeout of {@code millis} (the connection's usual one
     * afterwards); a lock held elsewhere longer than that fails it with an {@link SQLException}.
     */
    public static int updateWithin(Connection c, int millis, String update) throws SQLException {
        boolean postgres = postgres(c);
        try (Statement s = c.createStatement()) {
            s.execute(postgres ? "SET lock_timeout = " + millis : "SET LOCK_TIMEOUT " + millis);
            try {
                return s.executeUpdate(update);
            } finally {
                s.execute(postgres ? "RESET lock_timeout" : "SET LOCK_TIMEOUT 10000");
            }
        }
    }
}

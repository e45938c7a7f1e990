package org.sparecycles.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row-locking queries keep their prepared statement per connection of the pool, still lock the row, and a
 * connection's statements go once it is closed.
 */
class LockingStatementsTest {
    private static final String LOCK = "SELECT v FROM t WHERE id = ? FOR UPDATE";

    @TempDir
    Path tmp;

    @Test
    void aLockingQueryIsPreparedOncePerConnectionAndStillLocks() throws Exception {
        try (Database db = Database.open(tmp)) {
            DataSource ds = db.dataSource();
            Jdbc jdbc = db.jdbc();
            jdbc.update("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
            jdbc.update("INSERT INTO t VALUES (1, 10), (2, 20)");
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                PreparedStatement first = LockingStatements.prepared(c, LOCK);
                assertEquals(java.util.List.of(10), Jdbc.query(c, LOCK, rs -> rs.getInt(1), 1));
                assertEquals(java.util.List.of(20), Jdbc.query(c, LOCK, rs -> rs.getInt(1), 2));
                assertSame(first, LockingStatements.prepared(c, LOCK), "the same statement, used again");

                // row 1 is locked by this transaction: another connection waits for it and gives up
                try (Connection other = ds.getConnection()) {
                    other.setAutoCommit(false);
                    other.createStatement().execute("SET LOCK_TIMEOUT 200");
                    SQLException e = assertThrows(SQLException.class,
                            () -> Jdbc.update(other, "UPDATE t SET v = 11 WHERE id = 1"));
                    assertEquals(50200, e.getErrorCode(), e.getMessage()); // H2's lock timeout
                    other.rollback();
                    assertNotSame(first, LockingStatements.prepared(other, LOCK), "each connection its own");
                }
                c.commit();
            }
        }
        // a connection the pool closed: its statements go when the next connection comes
        String url = "jdbc:h2:mem:locking;DB_CLOSE_DELAY=-1";
        Connection closed = java.sql.DriverManager.getConnection(url);
        closed.createStatement().execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
        LockingStatements.prepared(closed, LOCK);
        assertTrue(LockingStatements.keepsFor(closed));
        closed.close();
        try (Connection next = java.sql.DriverManager.getConnection(url)) {
            LockingStatements.prepared(next, LOCK);
            assertTrue(LockingStatements.keepsFor(next));
            assertFalse(LockingStatements.keepsFor(closed));
            next.createStatement().execute("DROP TABLE t");
        }
    }
}

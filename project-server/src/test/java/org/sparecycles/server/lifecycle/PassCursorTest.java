package org.sparecycles.server.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.db.Database;
import org.sparecycles.server.db.Jdbc;

/** The cursor with the query pattern the background jobs use, on a real H2 file. */
class PassCursorTest {
    @TempDir
    Path tmp;
    private Database db;
    private Jdbc jdbc;

    @BeforeEach
    void open() {
        db = Database.open(tmp);
        jdbc = db.jdbc();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aBacklogLargerThanTheLimitIsWorkedOffInBoundedPassesThatEnd() {
        seed(jdbc, 5_000);
        PassCursor cursor = new PassCursor(2_000);
        List<Integer> reads = new ArrayList<>();
        do {
            reads.add(pass(jdbc, cursor, id -> id % 7 != 0)); // every seventh fails and stays waiting
        } while (cursor.more() && reads.size() < 50);

        assertEquals(List.of(2_000, 2_000, 1_000, 5_000 / 7), reads,
                "three bounded passes over the backlog, then one from the start over what stayed");
        assertFalse(cursor.more());
        assertEquals(5_000 / 7, waiting(jdbc), "only the failing rows are left");
    }

    @Test
    void rowsThatStayWaitingDoNotKeepLaterPassesFromTheRowsAfterThem() {
        seed(jdbc, 6_000);
        PassCursor cursor = new PassCursor(1_000);
        for (int i = 0; i < 8; i++) { // 3,000 rows fail each time: a limit without a cursor reread the first 1,000
            pass(jdbc, cursor, id -> id > 3_000);
        }
        assertEquals(3_000, waiting(jdbc), "every row that can be done was reached");
        assertTrue(cursor.more(), "failing rows beyond the limit leave more to do: runNow caps its passes");
    }

    @Test
    void aCursorThatStartedPastTheBeginningGoesBackForRowsBeforeIt() {
        seed(jdbc, 30);
        PassCursor cursor = new PassCursor(10);
        assertEquals(10, pass(jdbc, cursor, id -> true));
        assertEquals(10, cursor.after());
        jdbc.update("UPDATE t SET waiting = TRUE WHERE id = 3"); // waiting again, behind the cursor
        assertEquals(10, pass(jdbc, cursor, id -> true));
        assertEquals(10, pass(jdbc, cursor, id -> true)); // full: rows 21 to 30
        assertEquals(0, pass(jdbc, cursor, id -> true)); // short, not from the beginning: go back
        assertTrue(cursor.more());
        assertEquals(1, pass(jdbc, cursor, id -> true));
        assertFalse(cursor.more());
        assertEquals(0, waiting(jdbc));
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PassCursor(0));
    }

    private static void seed(Jdbc jdbc, int rows) {
        jdbc.update("CREATE TABLE t (id BIGINT PRIMARY KEY, waiting BOOLEAN NOT NULL)");
        jdbc.update("CREATE INDEX ix_t_waiting ON t (waiting)");
        jdbc.update("INSERT INTO t SELECT x, TRUE FROM SYSTEM_RANGE(1, ?)", rows);
    }

    /** One pass of a job that finishes the rows {@code done} accepts; returns how many rows it read. */
    private static int pass(Jdbc jdbc, PassCursor cursor, LongPredicate done) {
        List<Long> read = cursor.advance(jdbc.query("SELECT id FROM t WHERE waiting = TRUE AND id > ? ORDER BY id"
            + " LIMIT ?", rs -> rs.getLong(1), cursor.after(), cursor.limit()), id -> id);
        for (long id : read) {
        if (done.test(id)) {
            jdbc.update("UPDATE t SET waiting = FALSE WHERE id = ?", id);
        }
        }
        return read.size();
    }

    private static long waiting(Jdbc jdbc) {
        return jdbc.query("SELECT COUNT(*) FROM t WHERE waiting = TRUE", rs -> rs.getLong(1)).get(0);
    }
}

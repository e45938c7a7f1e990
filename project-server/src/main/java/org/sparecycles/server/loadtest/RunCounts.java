package org.sparecycles.server.loadtest;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * What the database says about the run's own results and work units: those with ids above the ones present when
 * this was made (the preloaded history, if any), which the figures leave out.
 */
final class RunCounts {
    /** Work units done; results valid, invalid, inconclusive, client error, no reply. */
    record States(long workUnitsDone, long valid, long invalid, long inconclusive, long clientErrors, long noReply) {
    }

    private final DataSource db;
    private final long historyResults;
    private final long historyWorkUnits;

    /** Counts from now on: the rows already in the database are the history. */
    RunCounts(DataSource db) throws SQLException {
        this.db = db;
        this.historyResults = queryLong(db, "SELECT COALESCE(MAX(id), 0) FROM results");
        this.historyWorkUnits = queryLong(db, "SELECT COALESCE(MAX(id), 0) FROM work_units");
    }

    /**
     * Results whose work unit is merged and which the validator judged: the lifecycle's end. Read from the run's
     * results (by id) with a lookup of each one's work unit: as a join, H2 read every done work unit through the
     * state index, the history's million too, and each count took seconds, stretching the measured window.
     */
    long completed() throws SQLException {
        return queryLong(db, "SELECT COUNT(*) FROM results r WHERE r.id > " + historyResults
                + " AND r.validate_state IN ('VALID', 'INVALID') AND EXISTS (SELECT 1 FROM work_units w"
                + " WHERE w.id = r.work_unit_id AND w.state IN ('DONE', 'FAILED'))");
    }

    /** Results not sent yet (a count over the index of every unsent result). */
    long unsent() throws SQLException {
        return queryLong(db, "SELECT COUNT(*) FROM results WHERE server_state = 'UNSENT'");
    }

    States states() throws SQLException {
        String mine = " AND id > " + historyResults;
        return new States(
                queryLong(db, "SELECT COUNT(*) FROM work_units WHERE state = 'DONE' AND id > " + historyWorkUnits),
                queryLong(db, "SELECT COUNT(*) FROM results WHERE validate_state = 'VALID'" + mine),
                queryLong(db, "SELECT COUNT(*) FROM results WHERE validate_state = 'INVALID'" + mine),
                queryLong(db, "SELECT COUNT(*) FROM results WHERE validate_state = 'INCONCLUSIVE'" + mine),
                queryLong(db, "SELECT COUNT(*) FROM results WHERE outcome = 'CLIENT_ERROR'" + mine),
                queryLong(db, "SELECT COUNT(*) FROM results WHERE outcome = 'NO_REPLY'" + mine));
    }

    private static long queryLong(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

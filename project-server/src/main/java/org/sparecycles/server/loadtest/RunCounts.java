package org.sparecycles.server.loadtest;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.sparecycles.server.db.Jdbc;

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
        try (Connection c = db.getConnection()) {
            this.historyResults = Jdbc.queryLong(c, "SELECT MAX(id) FROM results");
            this.historyWorkUnits = Jdbc.queryLong(c, "SELECT MAX(id) FROM work_units");
        }
    }

    /**
     * Results whose work unit is merged and which the validator judged: the lifecycle's end. Read from the run's
     * results (by id) with a lookup of each one's work unit: as a join, H2 read every done work unit through the
     * state index, the history's million too, and each count took seconds, stretching the measured window.
     */
    long completed() throws SQLException {
        return count("SELECT COUNT(*) FROM results r WHERE r.id > " + historyResults
                + " AND r.validate_state IN ('VALID', 'INVALID') AND EXISTS (SELECT 1 FROM work_units w"
                + " WHERE w.id = r.work_unit_id AND w.state IN ('DONE', 'FAILED'))");
    }

    /** Results not sent yet (a count over the index of every unsent result). */
    long unsent() throws SQLException {
        return count("SELECT COUNT(*) FROM results WHERE server_state = 'UNSENT'");
    }

    States states() throws SQLException {
        String mine = " AND id > " + historyResults;
        try (Connection c = db.getConnection()) {
            return new States(
                    Jdbc.queryLong(c, "SELECT COUNT(*) FROM work_units WHERE state = 'DONE' AND id > "
                            + historyWorkUnits),
                    Jdbc.queryLong(c, "SELECT COUNT(*) FROM results WHERE validate_state = 'VALID'" + mine),
                    Jdbc.queryLong(c, "SELECT COUNT(*) FROM results WHERE validate_state = 'INVALID'" + mine),
                    Jdbc.queryLong(c, "SELECT COUNT(*) FROM results WHERE validate_state = 'INCONCLUSIVE'" + mine),
                    Jdbc.queryLong(c, "SELECT COUNT(*) FROM results WHERE outcome = 'CLIENT_ERROR'" + mine),
                    Jdbc.queryLong(c, "SELECT COUNT(*) FROM results WHERE outcome = 'NO_REPLY'" + mine));
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.getConnection()) {
            return Jdbc.queryLong(c, sql);
        }
    }
}

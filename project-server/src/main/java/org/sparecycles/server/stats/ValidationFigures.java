package org.sparecycles.server.stats;

import java.util.List;
import org.sparecycles.server.db.CostlyValues;
import org.sparecycles.server.db.Jdbc;

/**
 * Validation outcomes per app and per batch, for admins. Each result counts once: VALID, INVALID (a successful
 * result that disagreed), ERROR (CLIENT_ERROR or VALIDATE_ERROR), NO_REPLY, INCONCLUSIVE, PENDING (successful,
 * not validated yet) or IN_PROGRESS/UNSENT (not back yet). DIDNT_NEED results are not counted. Counting goes over
 * every result (seconds with millions of them), so counts that took long are reused for a while
 * ({@link CostlyValues}: five times as long as they took, at most 30 s). Thread-safe.
 */
public final class ValidationFigures {
    private final Jdbc jdbc;
    private final CostlyValues<String, List<Row>> counted = new CostlyValues<>(System::nanoTime);

    public ValidationFigures(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Counts for one app or batch; rates are over results that came back ({@link #returned()}). */
    public record Row(String key, String label, long valid, long invalid, long error, long noReply, long inconclusive,
                      long pending, long out) {
        /** Results that came back or timed out: everything but pending and out. */
        public long returned() {
            return valid + invalid + error + noReply + inconclusive;
        }
    }

    private static final String COUNTS = "SUM(CASE WHEN r.validate_state = 'VALID' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN r.validate_state = 'INVALID' AND r.outcome = 'SUCCESS' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN r.outcome IN ('CLIENT_ERROR', 'VALIDATE_ERROR') THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN r.outcome = 'NO_REPLY' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN r.validate_state = 'INCONCLUSIVE' AND r.outcome = 'SUCCESS' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN r.outcome = 'SUCCESS' AND r.validate_state = 'INIT' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN r.server_state IN ('UNSENT', 'IN_PROGRESS') THEN 1 ELSE 0 END)";

    /** Per app and version. */
    public List<Row> byApp() {
        return counted.get("app", () -> jdbc.query("SELECT b.app, b.app_version, " + COUNTS + " FROM results r"
                + " JOIN work_units w ON w.id = r.work_unit_id JOIN batches b ON b.id = w.batch_id"
                + " GROUP BY b.app, b.app_version ORDER BY b.app, b.app_version",
                rs -> new Row(rs.getString(1) + " " + rs.getString(2), rs.getString(1) + " " + rs.getString(2),
                        rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8),
                        rs.getLong(9))));
    }

    /** Per batch, newest first. */
    public List<Row> byBatch() {
        return counted.get("batch", () -> jdbc.query("SELECT b.id, b.name, " + COUNTS + " FROM results r"
                + " JOIN work_units w ON w.id = r.work_unit_id JOIN batches b ON b.id = w.batch_id"
                + " GROUP BY b.id, b.name ORDER BY b.id DESC",
                rs -> new Row(Long.toString(rs.getLong(1)), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9))));
    }
}

package org.sparecycles.server.trust;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.sparecycles.server.db.Jdbc;

/**
 * Sends unchecked single-replica results back for checking: the result's credit is taken back, it becomes INIT
 * again, and its work unit returns to IN_PROGRESS with the batch's own redundancy policy, so the transitioner
 * creates the missing replicas and the validator compares them. The merged per-file results of the work unit are
 * withdrawn until then, and a finished batch is in progress again.
 */
final class Rechecks {
    private Rechecks() {
    }

    /**
     * A host's unchecked results; through the index on {@code results (host_id, sent_at)} (a host's results,
     * filtered). The condition on {@code sent_at}, true of every result sent, makes that index match two columns, so
     * H2 does not take {@code (outcome, validate_state)} instead, which with few statistics it rates the same.
     */
    static final String UNCHECKED_OF_HOST = "SELECT r.id, r.work_unit_id, w.batch_id, r.host_id,"
            + " COALESCE(r.granted_credit, 0) FROM results r JOIN work_units w ON w.id = r.work_unit_id"
            + " WHERE r.host_id = ? AND r.sent_at > TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00'"
            + " AND r.unchecked = TRUE AND r.outcome = 'SUCCESS'";

    private record Unchecked(long result, long workUnit, long batch, long host, double credit) {
    }

    static List<Long> reopenUnchecked(Connection c, long host, Instant now) throws SQLException {
        List<Unchecked> found = Jdbc.query(c, UNCHECKED_OF_HOST, rs -> new Unchecked(
                rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5)), host);
        List<Long> reopened = new ArrayList<>();
        for (Unchecked u : found) {
            Jdbc.update(c, "UPDATE results SET unchecked = FALSE, validate_state = 'INIT', granted_credit = NULL"
                    + " WHERE id = ? AND unchecked = TRUE", u.result());
            if (u.credit() > 0) {
                revoke(c, u.host(), u.credit(), now);
            }
            Object[] policy = Jdbc.queryOne(c, "SELECT min_quorum, target_results FROM batches WHERE id = ?",
                    rs -> new Object[] {rs.getInt(1), rs.getInt(2)}, u.batch()).orElseThrow();
            Jdbc.update(c, "UPDATE work_units SET min_quorum = ?, target_results = ?, state = 'IN_PROGRESS',"
                    + " canonical_result_id = NULL, granted_credit = NULL, completed_at = NULL, transition_needed = TRUE"
                    + " WHERE id = ? AND state IN ('IN_PROGRESS', 'VALIDATING', 'DONE')", policy[0], policy[1],
                    u.workUnit());
            Jdbc.update(c, "UPDATE batch_files SET output_sha256 = NULL WHERE work_unit_id = ?", u.workUnit());
            Jdbc.update(c, "UPDATE batches SET state = 'IN_PROGRESS', completed_at = NULL WHERE id = ? AND state = 'DONE'",
                    u.batch());
            reopened.add(u.workUnit());
        }
        return reopened;
    }

    /** Takes granted credit back from the host and its account (a negative entry in the grant log). */
    private static void revoke(Connection c, long host, double amount, Instant now) throws SQLException {
        long account = Jdbc.queryLong(c, "SELECT account_id FROM hosts WHERE id = ?", host);
        Jdbc.update(c, "UPDATE hosts SET total_credit = total_credit - ? WHERE id = ?", amount, host);
        Jdbc.update(c, "UPDATE accounts SET total_credit = total_credit - ? WHERE id = ?", amount, account);
        Jdbc.update(c, "INSERT INTO credit_grants (host_id, account_id, amount, granted_at) VALUES (?, ?, ?, ?)",
                host, account, -amount, now);
    }
}

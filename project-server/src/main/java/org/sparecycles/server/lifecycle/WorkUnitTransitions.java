package org.sparecycles.server.lifecycle;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.sparecycles.server.db.Jdbc;

/**
 * Every change of a work unit's state, each a guarded {@code UPDATE ... WHERE state = ?} so it happens at most
 * once; each returns whether it happened. See docs/server.md for the table.
 */
public final class WorkUnitTransitions {
    private WorkUnitTransitions() {
    }

    /** UNSENT to IN_PROGRESS: the scheduler sent the first replica. */
    public static boolean sent(Connection c, long wu) throws SQLException {
        return Jdbc.update(c, "UPDATE work_units SET state = 'IN_PROGRESS' WHERE id = ? AND state = 'UNSENT'", wu) == 1;
    }

    /** IN_PROGRESS to VALIDATING: min_quorum successful results are in. */
    public static boolean quorumReached(Connection c, long wu) throws SQLException {
        return Jdbc.update(c, "UPDATE work_units SET state = 'VALIDATING' WHERE id = ? AND state = 'IN_PROGRESS'",
                wu) == 1;
    }

    /**
     * After a result of the work unit was reported successful in this transaction: IN_PROGRESS to VALIDATING when
     * {@code min_quorum} successful results (not found invalid) are in, this one included. Decided with the work
     * unit's row locked, so that the reports of two replicas in concurrent requests see each other (the second
     * waits for the first). Nothing else can follow from a success (it needs no replica and fails nothing), so the
     * transitioner is not asked to look at the work unit.
     */
    public static boolean successReported(Connection c, long wu) throws SQLException {
        Optional<Integer> minQuorum = Jdbc.queryOne(c, "SELECT min_quorum FROM work_units WHERE id = ?"
                + " AND state = 'IN_PROGRESS' AND canonical_result_id IS NULL FOR UPDATE", rs -> rs.getInt(1), wu);
        return minQuorum.isPresent() && Jdbc.queryLong(c, "SELECT COUNT(*) FROM results WHERE work_unit_id = ?"
                + " AND outcome = 'SUCCESS' AND validate_state <> 'INVALID'", wu) >= minQuorum.get()
                && quorumReached(c, wu);
    }

    /** VALIDATING to IN_PROGRESS with a new target: no agreement (or too few results left), more replicas needed. */
    public static boolean needMoreResults(Connection c, long wu, int targetResults) throws SQLException {
        return Jdbc.update(c, "UPDATE work_units SET state = 'IN_PROGRESS', target_results = ?, transition_needed = TRUE"
                + " WHERE id = ? AND state = 'VALIDATING' AND canonical_result_id IS NULL", targetResults, wu) == 1;
    }

    /** VALIDATING, canonical chosen: records the canonical result and the credit every valid result gets. */
    public static boolean canonicalChosen(Connection c, long wu, long resultId, double grantedCredit)
            throws SQLException {
        return Jdbc.update(c, "UPDATE work_units SET canonical_result_id = ?, granted_credit = ?"
                + " WHERE id = ? AND state = 'VALIDATING' AND canonical_result_id IS NULL", resultId, grantedCredit, wu) == 1;
    }

    /** VALIDATING (canonical chosen) to DONE: the assimilator merged the canonical output. */
    public static boolean merged(Connection c, long wu, Instant now) throws SQLException {
        return Jdbc.update(c, "UPDATE work_units SET state = 'DONE', completed_at = ?"
                + " WHERE id = ? AND state = 'VALIDATING' AND canonical_result_id IS NOT NULL", now, wu) == 1;
    }

    /** Any non-final state to FAILED, with the reason shown to the researcher. */
    public static boolean failed(Connection c, long wu, String reason, Instant now) throws SQLException {
        String text = reason.length() > 2000 ? reason.substring(0, 2000) : reason;
        return Jdbc.update(c, "UPDATE work_units SET state = 'FAILED', error_reason = ?, completed_at = ?"
                + " WHERE id = ? AND state IN ('UNSENT', 'IN_PROGRESS', 'VALIDATING')", text, now, wu) == 1;
    }

    /**
     * Asks the transitioner to look at the work unit in its next pass (not a state change). A work unit flagged
     * already is left as it is: its row is not written again.
     */
    public static void flag(Connection c, long wu) throws SQLException {
        Jdbc.update(c, "UPDATE work_units SET transition_needed = TRUE WHERE id = ? AND transition_needed = FALSE", wu);
    }

    /** Takes the flag; true when it was set (so one pass handles it once). */
    static boolean takeFlag(Connection c, long wu) throws SQLException {
        return Jdbc.update(c, "UPDATE work_units SET transition_needed = FALSE WHERE id = ? AND transition_needed = TRUE",
                wu) == 1;
    }
}

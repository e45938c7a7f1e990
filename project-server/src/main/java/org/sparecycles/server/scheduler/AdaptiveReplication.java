package org.sparecycles.server.scheduler;

import java.sql.Connection;
import java.sql.SQLException;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.lifecycle.ResultTransitions;
import org.sparecycles.server.trust.HostTrust;

/**
 * Adaptive replication at dispatch (docs/trust.md). When a trusted host gets the first replica of a work unit and
 * no spot check is drawn, the work unit needs only that one result: its quorum and target become 1, the other
 * unsent replicas are not needed, and the result is marked unchecked. When an untrusted host is about to get a
 * replica of a work unit that was reduced so (its trusted replica failed), the batch's full policy comes back,
 * so an untrusted result is never accepted alone.
 */
final class AdaptiveReplication {
    private AdaptiveReplication() {
    }

    /**
     * @param workUnitMinQuorum the work unit's current quorum (read with its row locked)
     * @param batchMinQuorum    the batch's quorum, which a reduced work unit goes back to
     * @param batchTarget       the batch's target number of results
     * @return whether the work unit's other unsent replicas were found not needed (the queue may still hold them)
     */
    static boolean afterSending(Connection c, HostTrust trust, HostTrust.Standing standing, long workUnit, long result,
                             int workUnitMinQuorum, int batchMinQuorum, int batchTarget) throws SQLException {
        int[] policy = {workUnitMinQuorum, batchMinQuorum, batchTarget};
        boolean reduced = policy[0] < policy[1];
        if (reduced && trust.trusted(standing)) {
            Jdbc.update(c, "UPDATE results SET unchecked = TRUE WHERE id = ?", result); // a trusted replacement
            return false;
        }
        if (reduced) {
            Jdbc.update(c, "UPDATE work_units SET min_quorum = ?, target_results = ?, transition_needed = TRUE"
                    + " WHERE id = ?", policy[1], policy[2], workUnit);
            return false;
        }
        if (policy[0] <= 1) {
            return false;
        }
        long others = Jdbc.queryLong(c, "SELECT COUNT(*) FROM results WHERE work_unit_id = ? AND id <> ?"
                + " AND server_state <> 'UNSENT'", workUnit, result);
        if (others == 0 && trust.sendAlone(standing)) {
            Jdbc.update(c, "UPDATE work_units SET min_quorum = 1, target_results = 1 WHERE id = ?", workUnit);
            Jdbc.update(c, "UPDATE results SET unchecked = TRUE WHERE id = ?", result);
            ResultTransitions.unsentNotNeeded(c, workUnit);
            return true;
        }
        return false;
    }
}

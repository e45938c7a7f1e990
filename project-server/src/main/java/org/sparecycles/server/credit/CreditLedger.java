package org.sparecycles.server.credit;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.sparecycles.server.db.Jdbc;

/**
 * Adds granted credit to a host and its account: total and recent average, and logs the grant (for the charts
 * of credit per day). Called inside the validator's
 * transaction, right after the guarded VALID transition, so a result is credited exactly once.
 */
public final class CreditLedger {
    private CreditLedger() {
    }

    /** Credits the host and its account with {@code amount} at {@code now}. */
    public static void grant(Connection c, long hostId, double amount, Instant now) throws SQLException {
        if (!(amount > 0)) {
            return;
        }
        long account = Jdbc.queryLong(c, "SELECT account_id FROM hosts WHERE id = ?", hostId);
        add(c, "hosts", hostId, amount, now);
        add(c, "accounts", account, amount, now);
        Jdbc.update(c, "INSERT INTO credit_grants (host_id, account_id, amount, granted_at) VALUES (?, ?, ?, ?)",
                hostId, account, amount, now);
    }

    private static void add(Connection c, String table, long id, double amount, Instant now) throws SQLException {
        // table is one of two constants above, never input. One UPDATE writes the total and the recent average, on
        // the condition that the average read just before has not changed since (else it is read again): the row
        // is written once (a write of the total, then of the average, was two), and, as before, the row lock is
        // taken by an UPDATE (on PostgreSQL FOR NO KEY UPDATE, which does not block the foreign key checks of a
        // scheduler request sending this host work; an explicit SELECT ... FOR UPDATE did, and they deadlocked).
        for (int attempt = 1; ; attempt++) {
            var row = Jdbc.queryOne(c, "SELECT recent_credit, recent_credit_at FROM " + table + " WHERE id = ?",
                    rs -> new Object[] {rs.getDouble(1), Jdbc.instant(rs, "recent_credit_at")}, id);
            if (row.isEmpty()) {
                return;
            }
            double before = (Double) row.get()[0];
            Instant since = (Instant) row.get()[1];
            double recent = CreditRules.afterGrant(before, since, amount, now);
            if (Jdbc.update(c, "UPDATE " + table + " SET total_credit = total_credit + ?, recent_credit = ?,"
                    + " recent_credit_at = ? WHERE id = ? AND recent_credit = ? AND recent_credit_at IS NOT DISTINCT"
                    + " FROM ?", amount, recent, now, id, before, since) == 1) {
                return;
            }
            if (attempt == 100) { // only a grant in between changes it; a value unequal to itself (NaN) never would
                throw new IllegalStateException("the recent credit of " + table + " row " + id + " (" + before
                        + ") did not stay unchanged for one update in 100 attempts");
            }
        }
    }
}

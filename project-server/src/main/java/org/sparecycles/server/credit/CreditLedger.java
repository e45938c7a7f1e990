package org.sparecycles.server.credit;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sparecycles.server.db.Jdbc;

/**
 * Adds granted credit to hosts and their accounts: total and recent average, and logs each grant (for the charts
 * of credit per day). Called inside the validator's transaction, after the guarded VALID transitions, so a result
 * is credited exactly once.
 */
public final class CreditLedger {
    private CreditLedger() {
    }

    /** Credit granted to a host (and so to its account). */
    public record Grant(long hostId, double amount) {
    }

    /**
     * Credits the grants' hosts and accounts at {@code now}, and logs each grant. Each host's and account's row is
     * written once, with the sum of its grants (at one time the recent average adds up as the grants do), the
     * hosts in id order and then the accounts in id order: every transaction that credits takes them so, and two
     * validation groups crediting hosts of the same accounts cannot wait on each other (taken host by host, one
     * group could hold an account while it waited for a host the other held, itself waiting for that account).
     */
    public static void grantAll(Connection c, List<Grant> grants, Instant now) throws SQLException {
        Map<Long, Double> byHost = new TreeMap<>();
        grants.stream().filter(g -> g.amount() > 0).forEach(g -> byHost.merge(g.hostId(), g.amount(), Double::sum));
        if (byHost.isEmpty()) {
            return;
        }
        Map<Long, Long> accountOf = new HashMap<>();
        Map<Long, Double> byAccount = new TreeMap<>();
        for (Map.Entry<Long, Double> h : byHost.entrySet()) {
            long account = Jdbc.queryLong(c, "SELECT account_id FROM hosts WHERE id = ?", h.getKey());
            accountOf.put(h.getKey(), account);
            byAccount.merge(account, h.getValue(), Double::sum);
        }
        for (Map.Entry<Long, Double> h : byHost.entrySet()) {
            add(c, "hosts", h.getKey(), h.getValue(), now);
        }
        for (Map.Entry<Long, Double> a : byAccount.entrySet()) {
            add(c, "accounts", a.getKey(), a.getValue(), now);
        }
        for (Grant g : grants) {
            if (g.amount() > 0) {
                Jdbc.update(c, "INSERT INTO credit_grants (host_id, account_id, amount, granted_at)"
                        + " VALUES (?, ?, ?, ?)", g.hostId(), accountOf.get(g.hostId()), g.amount(), now);
            }
        }
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

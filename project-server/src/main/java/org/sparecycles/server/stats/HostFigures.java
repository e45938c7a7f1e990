package org.sparecycles.server.stats;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sparecycles.server.credit.CreditRules;
import org.sparecycles.server.db.Jdbc;

/**
 * Hosts as admins review them: platform, error and invalid rates, the run of consecutive valid results, last
 * contact, blocked or not. Thread-safe.
 */
public final class HostFigures {
    private final Jdbc jdbc;
    private final Clock clock;

    public HostFigures(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * One host. {@code returned}: results that are over (DIDNT_NEED aside); {@code consecutiveValid}: validated
     * results since the last one that was not VALID, newest first.
     */
    public record Row(long id, long accountId, String accountEmail, String name, String platform, String cpu, int cores,
                      double benchmarkGflops, Instant lastContact, boolean blocked, double totalCredit,
                      double recentCredit, long valid, long invalid, long errors, long returned, int consecutiveValid) {
        public double errorRate() {
            return returned == 0 ? Double.NaN : (double) errors / returned;
        }

        public double invalidRate() {
            return valid + invalid == 0 ? Double.NaN : (double) invalid / (valid + invalid);
        }
    }

    /** Every host, or only the account's when {@code accountId} is given; by id. */
    public List<Row> hosts(Long accountId) {
        Instant now = clock.instant();
        Map<Long, Integer> streaks = streaks(accountId);
        String where = accountId == null ? "" : " WHERE h.account_id = ?";
        Object[] args = accountId == null ? new Object[0] : new Object[] {accountId};
        return jdbc.query("SELECT h.id, h.account_id, a.email, h.name, h.os_name, h.os_version, h.cpu_model, h.cores,"
                + " h.benchmark_gflops, h.last_contact_at, h.blocked, h.total_credit, h.recent_credit, h.recent_credit_at,"
                + " SUM(CASE WHEN r.validate_state = 'VALID' THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN r.validate_state = 'INVALID' AND r.outcome = 'SUCCESS' THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN r.outcome IN ('CLIENT_ERROR', 'NO_REPLY', 'VALIDATE_ERROR') THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN r.server_state = 'OVER' AND r.outcome <> 'DIDNT_NEED' THEN 1 ELSE 0 END)"
                + " FROM hosts h JOIN accounts a ON a.id = h.account_id LEFT JOIN results r ON r.host_id = h.id" + where
                + " GROUP BY h.id, h.account_id, a.email, h.name, h.os_name, h.os_version, h.cpu_model, h.cores,"
                + " h.benchmark_gflops, h.last_contact_at, h.blocked, h.total_credit, h.recent_credit, h.recent_credit_at"
                + " ORDER BY h.id",
                rs -> new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        (rs.getString(5) + " " + rs.getString(6)).trim(), rs.getString(7), rs.getInt(8), rs.getDouble(9),
                        Jdbc.instant(rs, "last_contact_at"), rs.getBoolean(11), rs.getDouble(12),
                        CreditRules.decayed(rs.getDouble(13), Jdbc.instant(rs, "recent_credit_at"), now),
                        rs.getLong(15), rs.getLong(16), rs.getLong(17), rs.getLong(18),
                        streaks.getOrDefault(rs.getLong(1), 0)), args);
    }

    private Map<Long, Integer> streaks(Long accountId) {
        Map<Long, Integer> streak = new HashMap<>();
        Map<Long, Boolean> broken = new HashMap<>();
        String where = " WHERE r.server_state = 'OVER' AND r.outcome <> 'DIDNT_NEED'"
                + " AND NOT (r.outcome = 'SUCCESS' AND r.validate_state = 'INIT')"
                + (accountId == null ? "" : " AND r.account_id = ?");
        Object[] args = accountId == null ? new Object[0] : new Object[] {accountId};
        jdbc.query("SELECT r.host_id, r.validate_state FROM results r" + where
                + " ORDER BY r.host_id, r.reported_at DESC, r.id DESC", rs -> {
                    long host = rs.getLong(1);
                    if (!broken.getOrDefault(host, false)) {
                        if ("VALID".equals(rs.getString(2))) {
                            streak.merge(host, 1, Integer::sum);
                        } else {
                            broken.put(host, true);
                        }
                    }
                    return null;
                }, args);
        return streak;
    }
}

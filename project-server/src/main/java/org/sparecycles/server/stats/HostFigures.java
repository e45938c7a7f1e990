package org.sparecycles.server.stats;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sparecycles.server.credit.CreditRules;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.db.Paged;

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

    /** Hosts on one page of the admins' list. */
    public static final int PAGE_SIZE = 100;

    /** Every host of the account, by id. */
    public List<Row> hosts(long accountId) {
        return rows(" WHERE h.account_id = ?", " AND r.account_id = ?", List.of(accountId));
    }

    /**
     * One page of the hosts by id: those whose id is {@code query}, or whose name or account e-mail contains it (any
     * case), or all when it is blank. The figures are computed for the page's hosts only.
     */
    public Paged<Row> page(String query, long page) {
        Paged.Search search = Paged.Search.of(query, "h.id", "h.name", "a.email");
        List<Object> args = search.args();
        String from = " FROM hosts h JOIN accounts a ON a.id = h.account_id" + search.where();
        long total = jdbc.queryOne("SELECT COUNT(*)" + from, rs -> rs.getLong(1), args.toArray()).orElse(0L);
        int p = Paged.clamp(page, total, PAGE_SIZE);
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(PAGE_SIZE);
        pageArgs.add((long) (p - 1) * PAGE_SIZE);
        List<Object> ids = new ArrayList<>(jdbc.query("SELECT h.id" + from + " ORDER BY h.id LIMIT ? OFFSET ?",
                rs -> rs.getLong(1), pageArgs.toArray()));
        String in = " IN (" + Paged.placeholders(ids.size()) + ")";
        List<Row> rows = ids.isEmpty() ? List.of() : rows(" WHERE h.id" + in, " AND r.host_id" + in, ids);
        return new Paged<>(rows, p, Paged.pageCount(total, PAGE_SIZE), total, PAGE_SIZE);
    }

    /** The hosts {@code hostWhere} selects, with the figures of their results ({@code resultAnd} narrows those). */
    private List<Row> rows(String hostWhere, String resultAnd, List<Object> args) {
        Instant now = clock.instant();
        Map<Long, Integer> streaks = streaks(resultAnd, args.toArray());
        return jdbc.query("SELECT h.id, h.account_id, a.email, h.name, h.os_name, h.os_version, h.cpu_model, h.cores,"
                + " h.benchmark_gflops, h.last_contact_at, h.blocked, h.total_credit, h.recent_credit, h.recent_credit_at,"
                + " SUM(CASE WHEN r.validate_state = 'VALID' THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN r.validate_state = 'INVALID' AND r.outcome = 'SUCCESS' THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN r.outcome IN ('CLIENT_ERROR', 'NO_REPLY', 'VALIDATE_ERROR') THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN r.server_state = 'OVER' AND r.outcome <> 'DIDNT_NEED' THEN 1 ELSE 0 END)"
                + " FROM hosts h JOIN accounts a ON a.id = h.account_id LEFT JOIN results r ON r.host_id = h.id" + hostWhere
                + " GROUP BY h.id, h.account_id, a.email, h.name, h.os_name, h.os_version, h.cpu_model, h.cores,"
                + " h.benchmark_gflops, h.last_contact_at, h.blocked, h.total_credit, h.recent_credit, h.recent_credit_at"
                + " ORDER BY h.id",
                rs -> new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        (rs.getString(5) + " " + rs.getString(6)).trim(), rs.getString(7), rs.getInt(8), rs.getDouble(9),
                        Jdbc.instant(rs, "last_contact_at"), rs.getBoolean(11), rs.getDouble(12),
                        CreditRules.decayed(rs.getDouble(13), Jdbc.instant(rs, "recent_credit_at"), now),
                        rs.getLong(15), rs.getLong(16), rs.getLong(17), rs.getLong(18),
                        streaks.getOrDefault(rs.getLong(1), 0)), args.toArray());
    }

    private Map<Long, Integer> streaks(String resultAnd, Object[] args) {
        Map<Long, Integer> streak = new HashMap<>();
        Map<Long, Boolean> broken = new HashMap<>();
        String where = " WHERE r.server_state = 'OVER' AND r.outcome <> 'DIDNT_NEED'"
                + " AND NOT (r.outcome = 'SUCCESS' AND r.validate_state = 'INIT')" + resultAnd;
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

package org.sparecycles.server.stats;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.sparecycles.server.credit.CreditRules;
import org.sparecycles.server.db.Jdbc;

/**
 * Credit and validation statistics per host and per account, for admins and the demo summary. Recent average
 * credit is decayed to the clock's now. Thread-safe.
 */
public final class Stats {
    private final Jdbc jdbc;
    private final Clock clock;

    public Stats(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * One host's figures. {@code valid}/{@code invalid}: results the validator judged; {@code errors}: results
     * that ended in CLIENT_ERROR, NO_REPLY or VALIDATE_ERROR; credit in cobblestones, recent credit per day.
     */
    public record HostStats(long hostId, long accountId, String name, double totalCredit, double recentCredit,
                            int valid, int invalid, int errors, int inProgress) {
    }

    /** One account's figures, over all its hosts. */
    public record AccountStats(long accountId, String email, String name, double totalCredit, double recentCredit,
                               int valid, int invalid, int errors, int inProgress) {
    }

    private static final String COUNTS = "SUM(CASE WHEN r.validate_state = 'VALID' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN r.validate_state = 'INVALID' AND r.outcome = 'SUCCESS' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN r.outcome IN ('CLIENT_ERROR', 'NO_REPLY', 'VALIDATE_ERROR') THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN r.server_state = 'IN_PROGRESS' THEN 1 ELSE 0 END)";

    /** Every host, by id. */
    public List<HostStats> hosts() {
        Instant now = clock.instant();
        return jdbc.query("SELECT h.id, h.account_id, h.name, h.total_credit, h.recent_credit, h.recent_credit_at, "
                + COUNTS + " FROM hosts h LEFT JOIN results r ON r.host_id = h.id"
                + " GROUP BY h.id, h.account_id, h.name, h.total_credit, h.recent_credit, h.recent_credit_at ORDER BY h.id",
                rs -> new HostStats(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getDouble(4), recent(rs, now),
                        rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getInt(10)));
    }

    /** Every account, by id. */
    public List<AccountStats> accounts() {
        Instant now = clock.instant();
        return jdbc.query("SELECT a.id, a.email, a.name, a.total_credit, a.recent_credit, a.recent_credit_at, "
                + COUNTS + " FROM accounts a LEFT JOIN results r ON r.account_id = a.id"
                + " GROUP BY a.id, a.email, a.name, a.total_credit, a.recent_credit, a.recent_credit_at ORDER BY a.id",
                rs -> new AccountStats(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getDouble(4),
                        recent(rs, now), rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getInt(10)));
    }

    /** An account or host on the admins' credit page: its name (and e-mail, for accounts) and credit. */
    public record Credited(long id, String name, String email, double totalCredit, double recentCredit) {
    }

    /** The {@code n} accounts with the most total credit (ties by id). */
    public List<Credited> accountsByTotal(int n) {
        return byTotal("accounts", "email", n);
    }

    /** The {@code n} accounts with the highest recent average credit, decayed to now (ties by id). */
    public List<Credited> accountsByRecent(int n) {
        return byRecent("accounts", "email", n);
    }

    public List<Credited> hostsByTotal(int n) {
        return byTotal("hosts", "NULL", n);
    }

    public List<Credited> hostsByRecent(int n) {
        return byRecent("hosts", "NULL", n);
    }

    private List<Credited> byTotal(String table, String email, int n) {
        Instant now = clock.instant();
        return jdbc.query("SELECT id, name, " + email + ", total_credit, recent_credit, recent_credit_at FROM " + table
                + " ORDER BY total_credit DESC, id FETCH FIRST " + Math.max(1, n) + " ROWS ONLY",
                rs -> new Credited(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getDouble(4), recent(rs, now)));
    }

    /**
     * Recent credit decays with the time since it was last updated, so the order is known only after decaying every
     * row: reads id and recent credit of all rows (no join), keeps the best {@code n}, then reads those.
     */
    private List<Credited> byRecent(String table, String email, int n) {
        Instant now = clock.instant();
        record Recent(long id, double credit) {
        }
        java.util.Comparator<Recent> order = java.util.Comparator.comparingDouble(Recent::credit).reversed()
                .thenComparingLong(Recent::id);
        java.util.PriorityQueue<Recent> best = new java.util.PriorityQueue<>(order.reversed());
        jdbc.query("SELECT id, recent_credit, recent_credit_at FROM " + table, rs -> {
            best.add(new Recent(rs.getLong(1), CreditRules.decayed(rs.getDouble(2), Jdbc.instant(rs, "recent_credit_at"),
                    now)));
            if (best.size() > n) {
                best.poll();
            }
            return null;
        });
        List<Long> ids = best.stream().sorted(order).map(Recent::id).toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        java.util.Map<Long, Credited> byId = new java.util.HashMap<>();
        jdbc.query("SELECT id, name, " + email + ", total_credit, recent_credit, recent_credit_at FROM " + table
                + " WHERE id IN (" + org.sparecycles.server.db.Paged.placeholders(ids.size()) + ")", rs -> byId.put(
                rs.getLong(1), new Credited(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getDouble(4),
                recent(rs, now))), ids.toArray());
        return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
    }

    /** One leaderboard line: the name only when the account opted in, otherwise null. */
    public record Standing(int rank, long accountId, String publicName, double totalCredit, double recentCredit) {
        /** What others see: the opted-in name or an anonymous label. */
        public String shown() {
            return publicName != null ? publicName : "anonymous volunteer #" + accountId;
        }
    }

    /** Accounts with credit, by total credit, at most {@code limit}; names only of those who opted in. */
    public List<Standing> leaderboard(int limit) {
        Instant now = clock.instant();
        int[] rank = {0};
        return jdbc.query("SELECT id, name, show_name, total_credit, recent_credit, recent_credit_at FROM accounts"
                + " WHERE total_credit > 0 ORDER BY total_credit DESC, id FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY",
                rs -> new Standing(++rank[0], rs.getLong(1), rs.getBoolean(3) ? rs.getString(2) : null, rs.getDouble(4),
                        recent(rs, now)));
    }

    /** One account's figures, if it exists. */
    public java.util.Optional<AccountStats> account(long accountId) {
        return accounts().stream().filter(a -> a.accountId() == accountId).findFirst();
    }

    private static double recent(ResultSet rs, Instant now) throws SQLException {
        return CreditRules.decayed(rs.getDouble(5), Jdbc.instant(rs, "recent_credit_at"), now);
    }
}

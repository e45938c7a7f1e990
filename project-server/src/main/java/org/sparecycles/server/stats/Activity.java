package org.sparecycles.server.stats;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparecycles.server.db.Jdbc;

/**
 * Activity over time for the admin dashboard and the account page: active hosts, queue depths, results per
 * hour, credit granted per day. Time buckets are made in Java from plain timestamps, so the SQL stays portable.
 * Thread-safe.
 */
public final class Activity {
    private final Jdbc jdbc;
    private final Clock clock;

    public Activity(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** How much waits where: results not sent yet, results out on hosts, work units awaiting a pass. */
    public record Queues(long unsent, long inProgress, long validating, long transitionNeeded, long batchesInProgress,
                         long hostsActiveHour, long hostsActiveDay, long hostsTotal) {
    }

    public Queues queues() {
        Instant now = clock.instant();
        return jdbc.withConnection(c -> new Queues(
                Jdbc.queryLong(c, "SELECT COUNT(*) FROM results WHERE server_state = 'UNSENT'"),
                Jdbc.queryLong(c, "SELECT COUNT(*) FROM results WHERE server_state = 'IN_PROGRESS'"),
                Jdbc.queryLong(c, "SELECT COUNT(*) FROM work_units WHERE state = 'VALIDATING'"),
                Jdbc.queryLong(c, "SELECT COUNT(*) FROM work_units WHERE transition_needed = TRUE"),
                Jdbc.queryLong(c, "SELECT COUNT(*) FROM batches WHERE state = 'IN_PROGRESS'"),
                Jdbc.queryLong(c, "SELECT COUNT(*) FROM hosts WHERE last_contact_at > ?", now.minus(Duration.ofHours(1))),
                Jdbc.queryLong(c, "SELECT COUNT(*) FROM hosts WHERE last_contact_at > ?", now.minus(Duration.ofDays(1))),
                Jdbc.queryLong(c, "SELECT COUNT(*) FROM hosts")));
    }

    /** One bucket of a time series: its label and value. */
    public record Point(String label, double value) {
    }

    /** Results reported in each of the last {@code hours} hours (UTC, oldest first; the last is the current hour). */
    public List<Point> resultsPerHour(int hours) {
        Instant end = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant start = end.minus(Duration.ofHours(hours));
        Map<Instant, Double> buckets = new LinkedHashMap<>();
        for (int i = 0; i < hours; i++) {
            buckets.put(start.plus(Duration.ofHours(i)), 0.0);
        }
        for (Instant t : jdbc.query("SELECT reported_at FROM results WHERE reported_at >= ?",
                rs -> Jdbc.instant(rs, "reported_at"), start)) {
            buckets.computeIfPresent(t.truncatedTo(ChronoUnit.HOURS), (k, v) -> v + 1);
        }
        List<Point> out = new ArrayList<>();
        buckets.forEach((k, v) -> out.add(new Point(k.atOffset(ZoneOffset.UTC).toLocalTime().toString(), v)));
        return out;
    }

    /** Credit granted on each of the last {@code days} days (UTC), to everyone or to one account when given. */
    public List<Point> creditPerDay(int days, Long accountId) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate first = today.minusDays(days - 1L);
        Instant start = first.atStartOfDay().toInstant(ZoneOffset.UTC);
        Map<LocalDate, Double> buckets = new LinkedHashMap<>();
        for (int i = 0; i < days; i++) {
            buckets.put(first.plusDays(i), 0.0);
        }
        String sql = "SELECT granted_at, amount FROM credit_grants WHERE granted_at >= ?"
                + (accountId == null ? "" : " AND account_id = ?");
        Object[] args = accountId == null ? new Object[] {start} : new Object[] {start, accountId};
        for (Object[] g : jdbc.query(sql, rs -> new Object[] {Jdbc.instant(rs, "granted_at"), rs.getDouble(2)}, args)) {
            buckets.computeIfPresent(LocalDate.ofInstant((Instant) g[0], ZoneOffset.UTC), (k, v) -> v + (Double) g[1]);
        }
        List<Point> out = new ArrayList<>();
        buckets.forEach((k, v) -> out.add(new Point(k.toString(), v)));
        return out;
    }
}

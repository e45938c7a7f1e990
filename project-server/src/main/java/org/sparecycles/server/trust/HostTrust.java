package org.sparecycles.server.trust;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparecycles.server.db.Jdbc;

/**
 * Host trust per app, adaptive replication and daily quotas, following BOINC (docs/trust.md). Every method works
 * inside the caller's transaction. Valid results lengthen a host's run of consecutive valid results and grow its
 * quota by one; an invalid result or an error ends the run and halves the quota; an invalid result also sends the
 * host's unchecked single-replica results back for checking. Thread-safe (stateless apart from the random source).
 */
public final class HostTrust {
    private static final Logger LOG = LoggerFactory.getLogger(HostTrust.class);
    /** SQLSTATE of a unique key violation, on H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final TrustPolicy policy;
    private final RandomGenerator random;

    public HostTrust(TrustPolicy policy, RandomGenerator random) {
        this.policy = policy;
        this.random = random;
    }

    /** A host's standing for one app. */
    public record Standing(int consecutiveValid, int valid, int invalid, int errors, int dailyQuota) {
    }

    public TrustPolicy policy() {
        return policy;
    }

    /**
     * Creates the standing with the initial quota. Two transactions can both find none and both create it (a report
     * of the host's first error and the verdict on its first result): the second insert waits for the first one's
     * commit and fails on the key, which is undone alone, and the caller's update then changes the row that stands.
     */
    private void create(Connection c, long host, String app) throws SQLException {
        Savepoint before = c.setSavepoint();
        try {
            Jdbc.update(c, "INSERT INTO host_app_trust (host_id, app, daily_quota) VALUES (?, ?, ?)", host, app,
                    policy.initialQuota());
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(before); // PostgreSQL refuses every statement after a failed one until this
        }
    }

    /**
     * The standing as last committed, without locking it (the initial one when there is none yet): what the
     * scheduler decides by. Verdicts lock the row; the scheduler must not, or a dispatch (holding a work unit's
     * row) and a validation group (holding standings) can wait on each other.
     */
    public Standing peek(Connection c, long host, String app) throws SQLException {
        return Jdbc.queryOne(c, "SELECT consecutive_valid, valid_results, invalid_results, error_results, daily_quota"
                + " FROM host_app_trust WHERE host_id = ? AND app = ?", rs -> new Standing(rs.getInt(1),
                rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5)), host, app)
                .orElseGet(() -> new Standing(0, 0, 0, 0, policy.initialQuota()));
    }

    /**
     * Results of the app the host may still get today (UTC day of {@code now}); 1 a day when throttled. Reads the
     * standing without locking it ({@link #peek}).
     */
    public int remainingToday(Connection c, long host, String app, Instant now) throws SQLException {
        if (policy.initialQuota() == 0) {
            return Integer.MAX_VALUE; // quotas off
        }
        Standing s = peek(c, host, app);
        Instant day = now.atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).toInstant();
        long sent = Jdbc.queryLong(c, "SELECT COUNT(*) FROM results r JOIN work_units w ON w.id = r.work_unit_id"
                + " JOIN batches b ON b.id = w.batch_id WHERE r.host_id = ? AND b.app = ? AND r.sent_at >= ?",
                host, app, day);
        int quota = throttled(s) ? 1 : s.dailyQuota();
        return (int) Math.max(0, quota - sent);
    }

    /** True when errors and invalid results reach the threshold and outnumber the valid ones. */
    public boolean throttled(Standing s) {
        int bad = s.invalid() + s.errors();
        return bad >= policy.throttleAfter() && bad > s.valid();
    }

    /** True when the host may get this work unit as its only replica (trusted, and not drawn for a spot check). */
    public boolean sendAlone(Standing s) {
        return policy.trustedAfter() > 0 && s.consecutiveValid() >= policy.trustedAfter()
                && random.nextInt(100) >= policy.spotCheckPercent();
    }

    /** True when the host counts as trusted for the app. */
    public boolean trusted(Standing s) {
        return policy.trustedAfter() > 0 && s.consecutiveValid() >= policy.trustedAfter();
    }

    /** A result of the host was found VALID. */
    public void valid(Connection c, long host, String app) throws SQLException {
        change(c, host, app, "UPDATE host_app_trust SET consecutive_valid = consecutive_valid + 1,"
                + " valid_results = valid_results + 1, daily_quota = LEAST(daily_quota + 1, ?)"
                + " WHERE host_id = ? AND app = ?", policy.maxQuota(), host, app);
    }

    /**
     * Runs the update of the host's standing, creating the standing first when there is none yet. The update locks
     * the row itself: locking it first with {@code SELECT ... FOR UPDATE} wrote it twice on H2.
     */
    private void change(Connection c, long host, String app, String update, Object... args) throws SQLException {
        if (Jdbc.update(c, update, args) == 0) {
            create(c, host, app);
            Jdbc.update(c, update, args);
        }
    }

    /** The host reported an error (or never replied). */
    public void error(Connection c, long host, String app) throws SQLException {
        change(c, host, app, "UPDATE host_app_trust SET consecutive_valid = 0, error_results = error_results + 1,"
                + " daily_quota = GREATEST(daily_quota / 2, 1) WHERE host_id = ? AND app = ?", host, app);
    }

    /**
     * A result of the host was found INVALID: trust is reset, the quota halved, and every unchecked single-replica
     * result of the host goes back for checking (see {@link Rechecks}).
     *
     * @return the work units reopened for checking
     */
    public List<Long> invalid(Connection c, long host, String app, Instant now) throws SQLException {
        change(c, host, app, "UPDATE host_app_trust SET consecutive_valid = 0, invalid_results = invalid_results + 1,"
                + " daily_quota = GREATEST(daily_quota / 2, 1) WHERE host_id = ? AND app = ?", host, app);
        List<Long> reopened = Rechecks.reopenUnchecked(c, host, now);
        if (!reopened.isEmpty()) {
            LOG.warn("host {} returned an invalid {} result; its unchecked work units {} go back for checking", host,
                    app, reopened);
        }
        return reopened;
    }
}

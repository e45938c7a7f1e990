package org.sparecycles.server.lifecycle;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.trust.HostTrust;

/**
 * The lifecycle daemon: turns results past their deadline into NO_REPLY, and for each flagged work unit
 * creates replicas up to {@code target_results}, hands it to the validator once {@code min_quorum} successes
 * are in, and fails it when it exceeds {@code max_error_results} or would exceed {@code max_total_results}.
 * Runs on the background thread (see {@code BackgroundPasses}), the flagged work units spread over
 * {@link WorkShares}; work units in groups, each in one transaction.
 */
public final class Transitioner {
    private static final Logger LOG = LoggerFactory.getLogger(Transitioner.class);

    private final Jdbc jdbc;
    private final Clock clock;
    private final HostTrust trust;
    private final WorkShares shares;

    /**
     * @param trust  told of every missed deadline, which counts as the host's error (may be null)
     * @param shares the threads a pass spreads its flagged work units over (missed deadlines, which touch host
     *               trust rows, stay on the calling thread)
     */
    public Transitioner(Jdbc jdbc, Clock clock, HostTrust trust, WorkShares shares) {
        this.shares = shares;
        this.jdbc = jdbc;
        this.clock = clock;
        this.trust = trust;
    }

    /** Results expired, or work units transitioned, in one transaction (a commit each was most of a pass on H2). */
    static final int PER_TRANSACTION = 100;

    private final PassCursor expiredCursor = new PassCursor();
    private final PassCursor flaggedCursor = new PassCursor();

    /**
     * One pass: expire at most {@value PassCursor#LIMIT} deadlines, then transition at most as many flagged work
     * units, each after where the pass before stopped ({@link PassCursor}). Returns whether more may be waiting. Both
     * run {@value #PER_TRANSACTION} to a transaction; when such a group fails, its members are done again one to a
     * transaction, so one bad row cannot hold up the others.
     */
    public boolean runPass() {
        Instant now = clock.instant();
        // through (server_state, deadline, id): every result past its deadline is read (few), the first by id kept
        List<long[]> expired = new ArrayList<>(expiredCursor.advance(jdbc.query("SELECT id, work_unit_id, host_id"
                + " FROM results WHERE server_state = 'IN_PROGRESS' AND deadline < ? AND id > ? ORDER BY id LIMIT ?",
                rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}, now, expiredCursor.after(),
                expiredCursor.limit()), r -> r[0]));
        // in work unit order, as every transaction takes work units
        expired.sort(Comparator.<long[]>comparingLong(r -> r[1]).thenComparingLong(r -> r[0]));
        jdbc.inGroupTransactionsNotYetDurable(expired, PER_TRANSACTION, (c, group) -> expire(c, group, now));
        // ordered as the index (transition_needed, id), so the database reads only the rows it returns
        List<Long> flagged = flaggedCursor.advance(jdbc.query("SELECT id FROM work_units WHERE transition_needed = TRUE"
                + " AND id > ? ORDER BY transition_needed, id LIMIT ?", rs -> rs.getLong(1), flaggedCursor.after(),
                flaggedCursor.limit()), wu -> wu);
        shares.run(flagged, wu -> wu, share -> jdbc.inTransactionsNotYetDurable(share, PER_TRANSACTION, (c, wu) -> {
            if (WorkUnitTransitions.takeFlag(c, wu)) {
                transition(c, wu, now);
            }
        }));
        return expiredCursor.more() || flaggedCursor.more();
    }

    /** A host's missed deadline, for its standing in the app. */
    private record Missed(long host, String app) {
    }

    /**
     * Expires the group's results and flags their work units; then, as the reports of client errors and the
     * validation groups do, counts the misses against the hosts' standings after all work units, in host and app
     * order: a standing held while the next work unit was waited for could deadlock with a validation group.
     */
    private void expire(Connection c, List<long[]> group, Instant now) throws SQLException {
        List<Missed> missed = new ArrayList<>();
        for (long[] r : group) {
            if (ResultTransitions.timedOut(c, r[0], now)) {
                WorkUnitTransitions.flag(c, r[1]);
                LOG.info("result {} missed its deadline: NO_REPLY", r[0]);
                if (trust != null && r[2] > 0) { // as BOINC: no reply is an error for the host's quota
                    missed.add(new Missed(r[2], Jdbc.queryOne(c, "SELECT b.app FROM work_units w JOIN batches b"
                            + " ON b.id = w.batch_id WHERE w.id = ?", rs -> rs.getString(1), r[1]).orElse("")));
                }
            }
        }
        missed.sort(Comparator.comparingLong(Missed::host).thenComparing(Missed::app));
        for (Missed m : missed) {
            trust.error(c, m.host(), m.app());
        }
    }

    private record Unit(long id, String name, WorkUnitState state, int minQuorum, int targetResults,
                        int maxErrorResults, int maxTotalResults, boolean hasCanonical) {
    }

    private record Counts(int total, int unsent, int inProgress, int success, int successUnchecked,
                          int inconclusive, int errors) {
    }

    private void transition(Connection c, long id, Instant now) throws SQLException {
        Optional<Unit> found = Jdbc.queryOne(c, "SELECT id, name, state, min_quorum, target_results, max_error_results,"
                + " max_total_results, canonical_result_id FROM work_units WHERE id = ? FOR UPDATE",
                rs -> new Unit(rs.getLong(1), rs.getString(2), WorkUnitState.valueOf(rs.getString(3)), rs.getInt(4),
                        rs.getInt(5), rs.getInt(6), rs.getInt(7), rs.getObject(8) != null), id);
        if (found.isEmpty()) {
            return;
        }
        Unit wu = found.get();
        if (wu.state() == WorkUnitState.FAILED || wu.hasCanonical()) {
            ResultTransitions.unsentNotNeeded(c, id);
            return;
        }
        if (wu.state().isFinal()) {
            return;
        }
        Counts n = count(c, id);
        if (n.errors() > wu.maxErrorResults()) {
            fail(c, wu, "too many errors: " + n.errors() + " results failed (max_error_results " + wu.maxErrorResults()
                    + ")" + lastError(c, id), now);
            return;
        }
        if (n.success() >= wu.minQuorum() && n.successUnchecked() > 0) {
            if (wu.state() != WorkUnitState.VALIDATING) {
                WorkUnitTransitions.quorumReached(c, id);
            }
            return;
        }
        if (wu.state() == WorkUnitState.VALIDATING) {
            return;
        }
        int needed = wu.targetResults() - (n.unsent() + n.inProgress() + n.success());
        if (needed <= 0) {
            return;
        }
        if (n.total() + needed > wu.maxTotalResults()) {
            String why = n.inconclusive() > 0
                    ? "no agreement: " + n.inconclusive() + " results disagree and max_total_results ("
                            + wu.maxTotalResults() + ") is reached"
                    : "too many results: another replica would exceed max_total_results (" + wu.maxTotalResults()
                            + ")" + lastError(c, id);
            fail(c, wu, why, now);
            return;
        }
        for (int i = 0; i < needed; i++) {
            ResultTransitions.created(c, id, wu.name() + "_" + (n.total() + i), now);
        }
        LOG.debug("work unit {}: {} new replica(s)", id, needed);
    }

    private static void fail(Connection c, Unit wu, String reason, Instant now) throws SQLException {
        if (WorkUnitTransitions.failed(c, wu.id(), reason, now)) {
            ResultTransitions.unsentNotNeeded(c, wu.id());
            LOG.info("work unit {} failed: {}", wu.id(), reason);
        }
    }

    private static Counts count(Connection c, long wu) throws SQLException {
        int[] n = new int[7];
        Jdbc.query(c, "SELECT server_state, outcome, validate_state FROM results WHERE work_unit_id = ?", rs -> {
            String server = rs.getString(1);
            String outcome = rs.getString(2);
            String validate = rs.getString(3);
            n[0]++;
            if ("UNSENT".equals(server)) {
                n[1]++;
            } else if ("IN_PROGRESS".equals(server)) {
                n[2]++;
            } else if ("SUCCESS".equals(outcome) && !"INVALID".equals(validate)) {
                n[3]++;
                if ("INIT".equals(validate)) {
                    n[4]++;
                } else if ("INCONCLUSIVE".equals(validate)) {
                    n[5]++;
                }
            } else if ("CLIENT_ERROR".equals(outcome) || "NO_REPLY".equals(outcome)
                    || "VALIDATE_ERROR".equals(outcome)) {
                n[6]++;
            }
            return null;
        }, wu);
        return new Counts(n[0], n[1], n[2], n[3], n[4], n[5], n[6]);
    }

    private static String lastError(Connection c, long wu) throws SQLException {
        return Jdbc.queryOne(c, "SELECT outcome, error_message FROM results WHERE work_unit_id = ?"
                        + " AND outcome IN ('CLIENT_ERROR', 'NO_REPLY', 'VALIDATE_ERROR') ORDER BY id DESC",
                rs -> "; last: " + rs.getString(1) + (rs.getString(2) == null || rs.getString(2).isBlank()
                        ? "" : " (" + rs.getString(2) + ")"), wu).orElse("");
    }
}

package org.sparecycles.server.validation;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparecycles.server.credit.CreditLedger;
import org.sparecycles.server.credit.CreditRules;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.server.lifecycle.PassCursor;
import org.sparecycles.server.lifecycle.ResultState.Validate;
import org.sparecycles.server.lifecycle.ResultTransitions;
import org.sparecycles.server.lifecycle.WorkShares;
import org.sparecycles.server.lifecycle.WorkUnitTransitions;
import org.sparecycles.server.trust.HostTrust;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.compare.ResultComparator;

/**
 * Quorum validation. For a VALIDATING work unit without a canonical result, the undecided successful results
 * (INIT or INCONCLUSIVE) are compared with the app's {@link ResultComparator} (by their SHA-256 alone when it is
 * {@linkplain ResultComparator#byteExact() byte-exact}, without reading them); the first, in id order, agreeing
 * with at least {@code min_quorum / 2 + 1} of them (itself included) becomes canonical, the ones agreeing with it
 * VALID and the rest INVALID; credit is granted (median claim) and unsent replicas become DIDNT_NEED. Without
 * agreement all become INCONCLUSIVE and the target rises by one. Results reported after the canonical one are
 * compared with it. Runs on the background thread, which spreads a pass's work units over the
 * {@link WorkShares}' threads; {@value #WORK_UNITS_PER_TRANSACTION} work units to a transaction. A transaction's
 * verdicts reach the hosts (credit, trust) at its end, in host order, so that validator threads lock host rows in
 * one order and cannot deadlock on them.
 */
public final class Validator {
    private static final Logger LOG = LoggerFactory.getLogger(Validator.class);

    private final Jdbc jdbc;
    private final FileStore files;
    private final AppRegistry apps;
    private final Clock clock;
    private final HostTrust trust;
    private final WorkShares shares;

    /**
     * @param trust  told of every VALID and INVALID verdict (host trust, quotas, rechecks)
     * @param shares the threads a pass spreads its work units over
     */
    public Validator(Jdbc jdbc, FileStore files, AppRegistry apps, Clock clock, HostTrust trust, WorkShares shares) {
        this.shares = shares;
        this.trust = trust;
        this.jdbc = jdbc;
        this.files = files;
        this.apps = apps;
        this.clock = clock;
    }

    private record Candidate(long id, long hostId, double claimedCredit, String outputSha256) {
    }

    /** Work units validated in one transaction: a commit per work unit was most of a pass's time on H2. */
    static final int WORK_UNITS_PER_TRANSACTION = 50;

    private final PassCursor waitingCursor = new PassCursor();

    /**
     * One pass over at most {@value PassCursor#LIMIT} work units awaiting validation, after where the pass before
     * stopped ({@link PassCursor}), and, when it starts from the beginning, over the late results; returns whether
     * more may be waiting. Work units are validated {@value #WORK_UNITS_PER_TRANSACTION} to a transaction; when such
     * a group fails, its work units are done again one to a transaction, so one bad work unit cannot hold up the
     * others.
     */
    public boolean runPass() {
        boolean fromTheStart = waitingCursor.after() == 0;
        // ordered as the index (state, canonical_result_id, id), so the database reads only the rows it returns
        List<Long> waiting = waitingCursor.advance(jdbc.query("SELECT id FROM work_units WHERE state = 'VALIDATING'"
                + " AND canonical_result_id IS NULL AND id > ? ORDER BY state, canonical_result_id, id LIMIT ?",
                rs -> rs.getLong(1), waitingCursor.after(), waitingCursor.limit()), wu -> wu);
        judgeAll(waiting, wu -> wu, this::validate);
        if (fromTheStart) {
            // once per round of the cursor: this reads every successful result not yet validated (many while a
            // backlog waits) to find the few whose work unit has its canonical result already
            List<long[]> late = jdbc.query("SELECT r.id, r.work_unit_id FROM results r JOIN work_units w"
                    + " ON w.id = r.work_unit_id WHERE r.outcome = 'SUCCESS' AND r.validate_state = 'INIT'"
                    + " AND w.canonical_result_id IS NOT NULL ORDER BY r.id",
                    rs -> new long[] {rs.getLong(1), rs.getLong(2)});
            judgeAll(late, r -> r[1], (c, r, verdicts) -> validateLate(c, r[1], r[0], verdicts));
        }
        return waitingCursor.more();
    }

    /** Judges one item inside its group's transaction, leaving what the hosts get to the group's verdicts. */
    @FunctionalInterface
    private interface Judging<T> {
        void judge(Connection c, T item, Verdicts verdicts) throws SQLException;
    }

    /** Judges the items on the shares' threads, in groups, each group's verdicts applied at its end. */
    private <T> void judgeAll(List<T> items, ToLongFunction<T> workUnit, Judging<T> judging) {
        shares.run(items, workUnit, share -> jdbc.inGroupTransactionsNotYetDurable(share, WORK_UNITS_PER_TRANSACTION,
                (c, group) -> {
                    Verdicts verdicts = new Verdicts();
                    for (T item : group) {
                        judging.judge(c, item, verdicts);
                    }
                    verdicts.apply(c);
                }));
    }

    /**
     * The verdicts of one transaction, for the hosts: credit and trust for each VALID result, trust (and rechecks)
     * for each INVALID one. Applied at the transaction's end in host and app order, each standing's in the order
     * given.
     */
    private final class Verdicts {
        private record Verdict(long host, String app, boolean valid, double credit) {
        }

        private final List<Verdict> verdicts = new ArrayList<>();

        void valid(long host, String app, double credit) {
            verdicts.add(new Verdict(host, app, true, credit));
        }

        void invalid(long host, String app) {
            verdicts.add(new Verdict(host, app, false, 0));
        }

        void apply(Connection c) throws SQLException {
            Instant now = clock.instant();
            // by host, then app, as every transaction takes standings (stable: each standing's verdicts stay in order)
            verdicts.sort(Comparator.comparingLong(Verdict::host).thenComparing(Verdict::app));
            List<CreditLedger.Grant> grants = new ArrayList<>();
            verdicts.stream().filter(Verdict::valid).forEach(v -> grants.add(new CreditLedger.Grant(v.host(),
                    v.credit())));
            CreditLedger.grantAll(c, grants, now); // hosts, then accounts, then the standings below
            for (Verdict v : verdicts) {
                if (v.valid()) {
                    trust.valid(c, v.host(), v.app());
                } else {
                    trust.invalid(c, v.host(), v.app(), now);
                }
            }
        }
    }

    private void validate(Connection c, long wu, Verdicts verdicts) throws SQLException {
        // the work unit's row alone: FOR UPDATE over a join would lock the batch's row too (scheduler claims wait)
        Optional<Object[]> row = Jdbc.queryOne(c, "SELECT min_quorum, target_results, batch_id FROM work_units"
                + " WHERE id = ? AND state = 'VALIDATING' AND canonical_result_id IS NULL FOR UPDATE",
                rs -> new Object[] {rs.getInt(1), rs.getInt(2), rs.getLong(3)}, wu);
        if (row.isEmpty()) {
            return;
        }
        String app = appOfBatch(c, (Long) row.get()[2]);
        int minQuorum = (Integer) row.get()[0];
        int target = (Integer) row.get()[1];
        ResultComparator comparator = comparator(app);
        boolean byHash = comparator.byteExact(); // equal bytes, equal hashes: nothing to read
        List<Candidate> candidates = new ArrayList<>();
        List<byte[]> outputs = new ArrayList<>();
        for (Candidate r : candidates(c, wu, "r.validate_state IN ('INIT', 'INCONCLUSIVE')")) {
            Optional<byte[]> output = byHash ? Optional.empty() : read(r);
            if (byHash ? !stored(r) : output.isEmpty()) {
                ResultTransitions.validateError(c, r.id(), "output " + r.outputSha256() + " is missing from the store");
                WorkUnitTransitions.flag(c, wu);
                continue;
            }
            candidates.add(r);
            outputs.add(output.orElse(null));
        }
        if (candidates.size() < minQuorum) {
            WorkUnitTransitions.needMoreResults(c, wu, target);
            return;
        }
        int needed = minQuorum / 2 + 1;
        for (int i = 0; i < candidates.size(); i++) {
            List<Integer> agreeing = new ArrayList<>();
            for (int j = 0; j < candidates.size(); j++) {
                if (i == j || agree(comparator, candidates.get(i), outputs.get(i), candidates.get(j), outputs.get(j))) {
                    agreeing.add(j);
                }
            }
            if (agreeing.size() >= needed) {
                chooseCanonical(c, wu, candidates, agreeing, i, app, verdicts);
                return;
            }
        }
        for (Candidate r : candidates) {
            ResultTransitions.validated(c, r.id(), Validate.INCONCLUSIVE, null);
        }
        WorkUnitTransitions.needMoreResults(c, wu, target + 1);
        LOG.info("work unit {}: {} results, no agreement; target raised to {}", wu, candidates.size(), target + 1);
    }

    private void chooseCanonical(Connection c, long wu, List<Candidate> candidates, List<Integer> agreeing,
                                 int canonical, String app, Verdicts verdicts) throws SQLException {
        double granted = CreditRules.granted(agreeing.stream().map(k -> candidates.get(k).claimedCredit()).toList());
        if (!WorkUnitTransitions.canonicalChosen(c, wu, candidates.get(canonical).id(), granted)) {
            return;
        }
        for (int k = 0; k < candidates.size(); k++) {
            Candidate r = candidates.get(k);
            if (agreeing.contains(k)) {
                if (ResultTransitions.validated(c, r.id(), Validate.VALID, granted)) {
                    verdicts.valid(r.hostId(), app, granted);
                }
            } else if (ResultTransitions.validated(c, r.id(), Validate.INVALID, 0.0)) {
                verdicts.invalid(r.hostId(), app);
            }
        }
        ResultTransitions.unsentNotNeeded(c, wu);
        LOG.debug("work unit {}: canonical result {}, {} valid, credit {}", wu, candidates.get(canonical).id(),
                agreeing.size(), granted);
    }

    private void validateLate(Connection c, long wu, long resultId, Verdicts verdicts) throws SQLException {
        Optional<Object[]> row = Jdbc.queryOne(c, "SELECT canonical_result_id, granted_credit, batch_id FROM work_units"
                + " WHERE id = ? AND canonical_result_id IS NOT NULL FOR UPDATE",
                rs -> new Object[] {rs.getLong(1), rs.getDouble(2), rs.getLong(3)}, wu);
        List<Candidate> late = candidates(c, wu, "r.id = " + resultId + " AND r.validate_state = 'INIT'");
        if (row.isEmpty() || late.isEmpty()) {
            return;
        }
        String canonicalSha = Jdbc.queryOne(c, "SELECT output_sha256 FROM results WHERE id = ?",
                rs -> rs.getString(1), row.get()[0]).orElse(null);
        String app = appOfBatch(c, (Long) row.get()[2]);
        Candidate r = late.get(0);
        Optional<Boolean> agree = agreement(comparator(app), new Candidate(0, 0, 0, canonicalSha), r);
        if (agree.isEmpty()) {
            ResultTransitions.validateError(c, r.id(), "output missing from the store");
            return;
        }
        double granted = (Double) row.get()[1];
        if (agree.get()) {
            if (ResultTransitions.validated(c, r.id(), Validate.VALID, granted)) {
                verdicts.valid(r.hostId(), app, granted);
            }
        } else if (ResultTransitions.validated(c, r.id(), Validate.INVALID, 0.0)) {
            verdicts.invalid(r.hostId(), app);
        }
    }

    private static List<Candidate> candidates(Connection c, long wu, String condition) throws SQLException {
        return Jdbc.query(c, "SELECT r.id, r.host_id, r.claimed_credit, r.output_sha256 FROM results r"
                + " WHERE r.work_unit_id = ? AND r.outcome = 'SUCCESS' AND " + condition + " ORDER BY r.id",
                rs -> new Candidate(rs.getLong(1), rs.getLong(2), rs.getDouble(3), rs.getString(4)), wu);
    }

    /** Whether two results' outputs agree; empty when the store lacks one of them. */
    private Optional<Boolean> agreement(ResultComparator comparator, Candidate first, Candidate second) {
        if (comparator.byteExact()) {
            return stored(first) && stored(second)
                    ? Optional.of(agree(comparator, first, null, second, null)) : Optional.empty();
        }
        Optional<byte[]> a = read(first);
        Optional<byte[]> b = read(second);
        return a.isPresent() && b.isPresent() ? Optional.of(agree(comparator, first, a.get(), second, b.get()))
                : Optional.empty();
    }

    /**
     * Whether two stored outputs agree: by their SHA-256 when the comparator is byte-exact (their bytes, which may
     * then be null, are not needed), else by the comparator.
     */
    private static boolean agree(ResultComparator comparator, Candidate first, byte[] firstOutput, Candidate second,
                                 byte[] secondOutput) {
        return comparator.byteExact() ? first.outputSha256().equals(second.outputSha256())
                : comparator.agree(firstOutput, secondOutput);
    }

    /** Whether the store holds the result's output. */
    private boolean stored(Candidate r) {
        return r.outputSha256() != null && files.contains(r.outputSha256());
    }

    private Optional<byte[]> read(Candidate r) {
        try {
            return r.outputSha256() != null && files.contains(r.outputSha256())
                    ? Optional.of(files.read(r.outputSha256())) : Optional.empty();
        } catch (IOException e) {
            LOG.warn("cannot read output {} of result {}: {}", r.outputSha256(), r.id(), e.getMessage());
            return Optional.empty();
        }
    }

    private static String appOfBatch(Connection c, long batch) throws SQLException {
        return Jdbc.queryOne(c, "SELECT app FROM batches WHERE id = ?", rs -> rs.getString(1), batch).orElse("");
    }

    private ResultComparator comparator(String app) {
        return apps.find(app).map(a -> a.comparator()).orElse(ResultComparator.exact());
    }
}

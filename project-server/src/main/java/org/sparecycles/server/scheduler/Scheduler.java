package org.sparecycles.server.scheduler;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.server.credit.CreditRules;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.error.ForbiddenException;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.server.error.NotFoundException;
import org.sparecycles.server.hosts.Hosts;
import org.sparecycles.server.lifecycle.ResultTransitions;
import org.sparecycles.server.lifecycle.WorkUnitTransitions;
import org.sparecycles.server.trust.HostTrust;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;
import org.sparecycles.workunits.signing.AssignmentSignatures;
import org.sparecycles.workunits.signing.ProjectSigner;

/**
 * The scheduler: one request reports finished results and asks for work (docs/protocol.md). Reports are all
 * checked first and applied in one transaction, so a bad one leaves everything unchanged. Work is claimed by the
 * {@link Dispatcher}. Thread-safe: requests run concurrently on the HTTP worker threads.
 */
public final class Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    /** How stale a host's recorded last contact may be: saves a write per request. */
    static final java.time.Duration LAST_CONTACT_PRECISION = java.time.Duration.ofSeconds(5);

    private final Jdbc jdbc;
    private final Hosts hosts;
    private final ServerConfig config;
    private final Clock clock;
    private final Dispatcher dispatcher;
    private final Runnable onReports;
    private final HostTrust trust;
    private final FileStore files;
    private final ProjectSigner signer;
    /**
     * Requests handled at once ({@link ServerConfig#schedulerConcurrency()}), in arrival order, up to the wait for
     * the group commit: the HTTP workers are many, and with all of them in the database at once the requests slowed
     * one another down and left the background passes too little CPU to keep up with what was reported.
     */
    private final java.util.concurrent.Semaphore turns;
    /**
     * Hosts whose first request for work since the server started compared what they hold with what was sent to
     * them ({@link Dispatcher#lost}); a few bytes per host that asked for work.
     */
    private final Set<Long> compared = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final SchedulerJournal journal;

    /**
     * @param files     holds the uploaded outputs that SUCCESS reports name
     * @param signer    signs every assignment with the project key
     * @param onReports called after a request reported results, to run the background passes soon
     * @param journal   where each reply's promises are written before it goes out; what it holds from before a
     *                  crash is applied again here, before the scheduler serves
     */
    public Scheduler(Jdbc jdbc, Hosts hosts, ServerConfig config, FileStore files, ProjectSigner signer,
                     HostTrust trust, Runnable onReports, SchedulerJournal journal) {
        this.files = files;
        this.turns = new java.util.concurrent.Semaphore(config.schedulerConcurrency(), true);
        this.trust = trust;
        this.jdbc = jdbc;
        this.hosts = hosts;
        this.config = config;
        this.clock = config.clock();
        this.signer = signer;
        this.dispatcher = new Dispatcher(jdbc, config, trust);
        this.onReports = onReports;
        this.journal = journal;
        replayJournal();
    }

    /** What a request changed and promised: its reply, unsigned, and the journal's entry for it. */
    private record Handled(SchedulerReply reply, SchedulerJournal.Entry entry) {
    }

    /**
     * Handles one scheduler request of the caller.
     *
     * @throws NotFoundException       for an unknown host
     * @throws ForbiddenException      when the host belongs to another account
     * @throws InvalidRequestException when any report is wrong (nothing is applied)
     */
    public SchedulerReply handle(Caller caller, SchedulerRequest request) {
        Handled handled;
        turns.acquireUninterruptibly();
        try {
            handled = handleInTurn(caller, request);
        } finally {
            turns.release();
        }
        SchedulerReply unsigned = handled.reply();
        if (journal.enabled()) {
            // what the reply promises is in the journal before it goes out: the reports' and claims' transactions
            // are committed, and a crash before H2 writes them is undone by applying the entry again at the start
            journal.append(handled.entry());
        } else {
            jdbc.awaitDurable(); // on PostgreSQL the commits were durable already
        }
        // signed out of turn (an Ed25519 signature is about a tenth of a request's CPU): one signature for all when
        // the client checks them together, else one each
        return signed(unsigned, request.signedTogether());
    }

    private SchedulerReply signed(SchedulerReply r, boolean together) {
        List<Assignment> assignments = r.assignments();
        if (together && !assignments.isEmpty()) {
            return new SchedulerReply(assignments, r.acknowledged(), r.cancelled(), r.messages(),
                    r.requestDelaySeconds(), r.serverTime(), AssignmentSignatures.signTogether(signer, assignments));
        }
        List<Assignment> signed = new ArrayList<>();
        assignments.forEach(a -> signed.add(AssignmentSignatures.sign(signer, a)));
        return new SchedulerReply(signed, r.acknowledged(), r.cancelled(), r.messages(), r.requestDelaySeconds(),
                r.serverTime());
    }

    private Handled handleInTurn(Caller caller, SchedulerRequest request) {
        Hosts.Host host = hosts.find(request.hostId())
                .orElseThrow(() -> new NotFoundException("not_found", "no host " + request.hostId()));
        if (host.accountId() != caller.accountId()) {
            throw new ForbiddenException("forbidden", "host " + host.id() + " belongs to another account");
        }
        Instant now = clock.instant();
        List<Long> cancelled = new ArrayList<>();
        // on its own, outside the reports' transaction (so a request does not hold the host's row while the validator
        // grants it credit), and at most every LAST_CONTACT_PRECISION: no statement at all while the contact read
        // with the host is recent enough, and a guarded one otherwise (concurrent requests of the host write once)
        Instant stale = now.minus(LAST_CONTACT_PRECISION);
        if (host.lastContactAt() == null || host.lastContactAt().isBefore(stale)) {
            jdbc.updateNotYetDurable("UPDATE hosts SET last_contact_at = ? WHERE id = ? AND (last_contact_at IS NULL"
                    + " OR last_contact_at < ?)", now, host.id(), stale);
        }
        List<SchedulerJournal.Report> applied = new ArrayList<>();
        List<Long> acknowledged = reportsRetryingDeadlocks(() -> jdbc.inTransactionNotYetDurable(c -> {
            cancelled.clear();
            applied.clear();
            List<Long> acks = applyReports(c, host, request.reports(), now, applied);
            cancelled.addAll(cancellations(c, host, request));
            return acks;
        }));
        if (!request.reports().isEmpty()) {
            onReports.run();
        }
        boolean blocked = host.blocked();
        boolean asks = request.workSeconds() > 0 && !blocked;
        Set<Long> projects = Set.copyOf(request.projects());
        List<Assignment> assignments = new ArrayList<>();
        // compared when the client asks, and on the host's first request for work since the server started: a reply
        // lost on the way reaches the client's next request (resync), one lost to a crash of the server the first
        // request after the restart
        if (request.resync() | (asks && compared.add(host.id()))) {
            Set<Long> held = new HashSet<>(request.inProgress());
            request.reports().forEach(r -> held.add(r.resultId()));
            assignments.addAll(dispatcher.lost(host, held, asks, projects, now));
        }
        int resent = assignments.size();
        double resentSeconds = assignments.stream().mapToDouble(Assignment::estimatedSeconds).sum();
        if (asks && resentSeconds < request.workSeconds() && resent < Dispatcher.MAX_ASSIGNMENTS) {
            assignments.addAll(dispatcher.dispatch(host, request.workSeconds() - resentSeconds,
                    Dispatcher.MAX_ASSIGNMENTS - resent, projects, now));
        }
        long delay = assignments.isEmpty() && (dispatcher.queued() == 0 || blocked)
                ? config.schedulerIdleDelaySeconds() : config.schedulerRequestDelaySeconds();
        List<String> messages = new ArrayList<>();
        if (blocked) {
            messages.add("this host is blocked by the server's admins and gets no new work");
        } else if (assignments.isEmpty() && request.workSeconds() > 0) {
            messages.add("no work available for this host right now");
        }
        if (resent > 0) {
            messages.add("sent again " + resent + " task(s) this host did not hold: a reply of the server was lost");
            LOG.info("host {} did not hold {} result(s) sent to it: sent again", host.id(), resent);
        }
        // the results sent again were durable before; applying their claim again would change nothing
        List<SchedulerJournal.Claim> claims = new ArrayList<>();
        for (Assignment a : assignments.subList(resent, assignments.size())) {
            claims.add(new SchedulerJournal.Claim(a.resultId(), a.workUnitId(), a.deadline()));
        }
        return new Handled(new SchedulerReply(assignments, acknowledged, cancelled, messages, delay, clock.instant()),
                new SchedulerJournal.Entry(host.id(), host.accountId(), now, applied, cancelled, claims));
    }

    /**
     * Applies again what the journal holds from before a crash, oldest first, each entry in one transaction, and
     * writes the store once; then the journal starts over. An entry whose changes the store holds already changes
     * nothing: every step is a guarded transition, and what follows from one (a work unit's state, a standing) only
     * when it changed something, as when the request was first handled.
     */
    private void replayJournal() {
        List<SchedulerJournal.Entry> pending = journal.pending();
        int changed = 0;
        for (SchedulerJournal.Entry e : pending) {
            boolean any = reportsRetryingDeadlocks(() -> jdbc.inTransactionNotYetDurable(c -> {
                boolean did = applyChecked(c, e.host(), e.reports(), e.at());
                for (long id : e.cancelled()) {
                    did |= ResultTransitions.cancelled(c, id);
                }
                List<SchedulerJournal.Claim> claims = new ArrayList<>(e.claims());
                claims.sort(Comparator.comparingLong(SchedulerJournal.Claim::workUnit)); // the claims' lock order
                for (SchedulerJournal.Claim claim : claims) {
                    did |= dispatcher.claimAgain(c, e.host(), e.account(), claim, e.at());
                }
                return did;
            }));
            changed += any ? 1 : 0;
        }
        journal.replayed();
        if (!pending.isEmpty()) {
            LOG.info("scheduler journal: {} repl(ies) from before the stop applied again, {} of them not yet in the"
                    + " database", pending.size(), changed);
        }
    }

    /** Attempts at the reports' transaction when the database picks it as a deadlock's victim. */
    private static final int REPORT_ATTEMPTS = 3;

    /**
     * Runs the reports' transaction again when the database rolled it back to break a deadlock (SQLSTATE 40001 on
     * H2, 40P01 on PostgreSQL). The reports take work units in id order and the host's standings last, as the
     * background passes do, but an invalid verdict still reopens the host's unchecked work units after taking its
     * standing ({@code Rechecks}), and that can cross a report of the same host. The transaction is all or nothing,
     * so running it again is safe.
     */
    private static <T> T reportsRetryingDeadlocks(java.util.function.Supplier<T> transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.get();
            } catch (Jdbc.DataAccessException e) {
                if (attempt >= REPORT_ATTEMPTS || !(e.getCause() instanceof SQLException sql)
                        || !("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
                    throw e;
                }
            }
        }
    }

    private record Reported(long id, long workUnitId, Long hostId, String serverState) {
    }

    private List<Long> applyReports(Connection c, Hosts.Host host, List<ResultReport> reports, Instant now,
                                    List<SchedulerJournal.Report> applied) throws SQLException {
        List<String> problems = new ArrayList<>();
        List<Reported> found = new ArrayList<>();
        for (ResultReport report : reports) {
            // no row lock: every change below is a guarded update, so a result that went over meanwhile (its
            // deadline passed) stays as it is and the report is acknowledged as for any result already over
            Optional<Reported> r = Jdbc.queryOne(c, "SELECT id, work_unit_id, host_id, server_state FROM results"
                    + " WHERE id = ?", rs -> new Reported(rs.getLong(1), rs.getLong(2), Jdbc.nullableLong(rs, "host_id"),
                    rs.getString(4)), report.resultId());
            found.add(r.orElse(null));
            String what = "result " + report.resultId();
            if (r.isEmpty() || r.get().hostId() == null || r.get().hostId() != host.id()) {
                problems.add(what + ": was not sent to host " + host.id());
                continue;
            }
            if (!ResultReport.SUCCESS.equals(report.outcome()) && !ResultReport.CLIENT_ERROR.equals(report.outcome())) {
                problems.add(what + ": outcome '" + report.outcome() + "' is not SUCCESS or CLIENT_ERROR");
                continue;
            }
            if (!Double.isFinite(report.cpuSeconds()) || report.cpuSeconds() < 0
                    || !Double.isFinite(report.elapsedSeconds()) || report.elapsedSeconds() < 0) {
                problems.add(what + ": cpuSeconds and elapsedSeconds must be finite and not negative");
            }
            if ("OVER".equals(r.get().serverState()) || !ResultReport.SUCCESS.equals(report.outcome())) {
                continue;
            }
            long stored = files.size(report.outputSha256());
            if (stored < 0) {
                problems.add(what + ": SUCCESS reported but no output was uploaded with sha256 "
                        + report.outputSha256());
            } else if (stored != report.outputSize()) {
                problems.add(what + ": reported output (sha256 " + report.outputSha256() + ", " + report.outputSize()
                        + " bytes) differs from the upload (" + stored + " bytes)");
            }
        }
        InvalidRequestException.throwIfAny("invalid_report", "the reports were not accepted", problems);
        List<Long> acks = new ArrayList<>();
        reports.forEach(report -> acks.add(report.resultId()));
        for (int i = 0; i < reports.size(); i++) {
            ResultReport report = reports.get(i);
            applied.add(new SchedulerJournal.Report(report.resultId(), found.get(i).workUnitId(), report.outcome(),
                    report.outputSha256(), report.outputSize(), report.cpuSeconds(), report.elapsedSeconds(),
                    ResultReport.SUCCESS.equals(report.outcome())
                            ? CreditRules.claimed(report.cpuSeconds(), host.benchmarkGflops()) : 0,
                    report.errorMessage()));
        }
        applyChecked(c, host.id(), applied, now);
        return acks;
    }

    /**
     * Applies checked reports of the host: in work unit order, the order the background passes lock work units in,
     * and the host's standings after all work units, as a validation group (its work units, then the standings of
     * their hosts): a standing changed between two work units was held while the next was waited for, and with a
     * validation group holding that work unit and waiting for the standing, the two deadlocked. Returns whether any
     * report changed its result (a report applied before changes nothing).
     */
    private boolean applyChecked(Connection c, long hostId, List<SchedulerJournal.Report> reports, Instant now)
            throws SQLException {
        List<SchedulerJournal.Report> order = new ArrayList<>(reports);
        order.sort(Comparator.comparingLong(SchedulerJournal.Report::workUnit));
        boolean any = false;
        List<String> erred = new ArrayList<>(); // the app of each result reported as a client error
        for (SchedulerJournal.Report r : order) {
            boolean success = ResultReport.SUCCESS.equals(r.outcome());
            boolean changed = success
                    ? ResultTransitions.succeeded(c, r.result(), r.outputSha256(), r.outputSize(), r.cpuSeconds(),
                            r.elapsedSeconds(), r.claimedCredit(), now)
                    : ResultTransitions.clientError(c, r.result(), r.errorMessage(), r.cpuSeconds(),
                            r.elapsedSeconds(), now);
            any |= changed;
            if (changed && success) {
                WorkUnitTransitions.successReported(c, r.workUnit());
            } else if (changed) {
                WorkUnitTransitions.flag(c, r.workUnit()); // a replica may be needed, or the work unit fails
                erred.add(appOf(c, r.workUnit()));
            }
        }
        erred.sort(Comparator.naturalOrder()); // one app's standing after another's, in every transaction
        for (String app : erred) {
            trust.error(c, hostId, app);
        }
        return any;
    }

    /** Results the host holds that it should drop: over already, or of a work unit that failed. */
    private static List<Long> cancellations(Connection c, Hosts.Host host, SchedulerRequest request)
            throws SQLException {
        Set<Long> reported = new HashSet<>();
        request.reports().forEach(r -> reported.add(r.resultId()));
        List<Long> out = new ArrayList<>();
        for (long id : request.inProgress()) {
            if (reported.contains(id)) {
                continue;
            }
            Optional<String[]> r = Jdbc.queryOne(c, "SELECT r.server_state, w.state FROM results r JOIN work_units w"
                    + " ON w.id = r.work_unit_id WHERE r.id = ? AND r.host_id = ?",
                    rs -> new String[] {rs.getString(1), rs.getString(2)}, id, host.id());
            if (r.isEmpty()) {
                continue;
            }
            if ("OVER".equals(r.get()[0])) {
                out.add(id);
            } else if ("FAILED".equals(r.get()[1]) && ResultTransitions.cancelled(c, id)) {
                out.add(id);
            }
        }
        return out;
    }

    private static String appOf(Connection c, long workUnit) throws SQLException {
        return Jdbc.queryOne(c, "SELECT b.app FROM work_units w JOIN batches b ON b.id = w.batch_id WHERE w.id = ?",
                rs -> rs.getString(1), workUnit).orElse("");
    }
}

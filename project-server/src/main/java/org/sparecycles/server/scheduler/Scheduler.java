package org.sparecycles.server.scheduler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.InputRef;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;
import org.sparecycles.workunits.signing.AssignmentSignatures;
import org.sparecycles.workunits.signing.ProjectSigner;

/**
 * The scheduler: one request reports finished results and asks for work (docs/protocol.md). Reports are all
 * checked first and applied in one transaction, so a bad one leaves everything unchanged. Work comes from the
 * {@link DispatchQueue}; each candidate's work unit row is locked while checking that neither this host nor
 * another host of the same account holds a replica, then the result is claimed with a guarded update.
 * Thread-safe: requests run concurrently on the HTTP worker threads.
 */
public final class Scheduler {
    /** Most assignments in one reply, however much work is asked for. */
    static final int MAX_ASSIGNMENTS = 50;
    /** How stale a host's recorded last contact may be: saves a write per request. */
    static final java.time.Duration LAST_CONTACT_PRECISION = java.time.Duration.ofSeconds(5);
    /** Batches whose fixed settings are kept in memory; the cache starts over beyond that. */
    private static final int MAX_CACHED_BATCHES = 10_000;

    private final Map<Long, BatchSettings> batches = new java.util.concurrent.ConcurrentHashMap<>();

    private final Jdbc jdbc;
    private final Hosts hosts;
    private final ServerConfig config;
    private final Clock clock;
    private final DispatchQueue queue;
    private final Runnable onReports;
    private final ProjectSigner signer;
    private final HostTrust trust;
    private final FileStore files;
    /**
     * Requests handled at once ({@link ServerConfig#schedulerConcurrency()}), in arrival order, up to the wait for
     * the group commit: the HTTP workers are many, and with all of them in the database at once the requests slowed
     * one another down and left the background passes too little CPU to keep up with what was reported.
     */
    private final java.util.concurrent.Semaphore turns;

    /**
     * @param files     holds the uploaded outputs that SUCCESS reports name
     * @param signer    signs every assignment with the project key
     * @param onReports called after a request reported results, to run the background passes soon
     */
    public Scheduler(Jdbc jdbc, Hosts hosts, ServerConfig config, FileStore files, ProjectSigner signer,
                     HostTrust trust, Runnable onReports) {
        this.files = files;
        this.turns = new java.util.concurrent.Semaphore(config.schedulerConcurrency(), true);
        this.signer = signer;
        this.trust = trust;
        this.jdbc = jdbc;
        this.hosts = hosts;
        this.config = config;
        this.clock = config.clock();
        this.queue = new DispatchQueue(jdbc);
        this.onReports = onReports;
    }

    /**
     * Handles one scheduler request of the caller.
     *
     * @throws NotFoundException       for an unknown host
     * @throws ForbiddenException      when the host belongs to another account
     * @throws InvalidRequestException when any report is wrong (nothing is applied)
     */
    public SchedulerReply handle(Caller caller, SchedulerRequest request) {
        SchedulerReply reply;
        turns.acquireUninterruptibly();
        try {
            reply = handleInTurn(caller, request);
        } finally {
            turns.release();
        }
        // the reports' and the claims' transactions are made durable together, once, before the reply goes out;
        // waiting for that write takes no CPU, so another request has the turn meanwhile
        jdbc.awaitDurable();
        return reply;
    }

    private SchedulerReply handleInTurn(Caller caller, SchedulerRequest request) {
        Hosts.Host host = hosts.find(request.hostId())
                .orElseThrow(() -> new NotFoundException("not_found", "no host " + request.hostId()));
        if (host.accountId() != caller.accountId()) {
            throw new ForbiddenException("forbidden", "host " + host.id() + " belongs to another account");
        }
        Instant now = clock.instant();
        List<Long> cancelled = new ArrayList<>();
        // on its own, outside the reports' transaction (so a request does not hold the host's row while the validator
        // grants it credit), and at most every LAST_CONTACT_PRECISION
        jdbc.updateNotYetDurable("UPDATE hosts SET last_contact_at = ? WHERE id = ? AND (last_contact_at IS NULL"
                + " OR last_contact_at < ?)", now, host.id(), now.minus(LAST_CONTACT_PRECISION));
        List<Long> acknowledged = reportsRetryingDeadlocks(() -> jdbc.inTransactionNotYetDurable(c -> {
            cancelled.clear();
            List<Long> acks = applyReports(c, host, request.reports(), now);
            cancelled.addAll(cancellations(c, host, request));
            return acks;
        }));
        if (!request.reports().isEmpty()) {
            onReports.run();
        }
        boolean blocked = hosts.isBlocked(host.id());
        List<Assignment> assignments = request.workSeconds() > 0 && !blocked
                ? dispatch(host, request.workSeconds(), Set.copyOf(request.projects()), now) : List.of();
        long delay = assignments.isEmpty() && (queue.size() == 0 || blocked)
                ? config.schedulerIdleDelaySeconds() : config.schedulerRequestDelaySeconds();
        List<String> messages = blocked ? List.of("this host is blocked by the server's admins and gets no new work")
                : assignments.isEmpty() && request.workSeconds() > 0
                ? List.of("no work available for this host right now") : List.of();
        return new SchedulerReply(assignments, acknowledged, cancelled, messages, delay, clock.instant());
    }

    /** Attempts at the reports' transaction when the database picks it as a deadlock's victim. */
    private static final int REPORT_ATTEMPTS = 3;

    /**
     * Runs the reports' transaction again when the database rolled it back to break a deadlock (SQLSTATE 40001 on
     * H2, 40P01 on PostgreSQL): a report of a client error updates the host's trust row after flagging work units,
     * while a validation group updates trust rows and work units in its own order, and now and then the two cross.
     * The transaction is all or nothing, so running it again is safe.
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

    private List<Long> applyReports(Connection c, Hosts.Host host, List<ResultReport> reports, Instant now)
            throws SQLException {
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
        // applied in work unit order, the order the background passes lock work units in, so they cannot deadlock
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            order.add(i);
        }
        order.sort(java.util.Comparator.comparingLong(i -> found.get(i).workUnitId()));
        for (int i : order) {
            ResultReport report = reports.get(i);
            Reported r = found.get(i);
            boolean changed = ResultReport.SUCCESS.equals(report.outcome())
                    ? ResultTransitions.succeeded(c, r.id(), report.outputSha256(), report.outputSize(),
                            report.cpuSeconds(), report.elapsedSeconds(),
                            CreditRules.claimed(report.cpuSeconds(), host.benchmarkGflops()), now)
                    : ResultTransitions.clientError(c, r.id(), report.errorMessage(), report.cpuSeconds(),
                            report.elapsedSeconds(), now);
            if (changed) {
                WorkUnitTransitions.flag(c, r.workUnitId());
                if (!ResultReport.SUCCESS.equals(report.outcome())) {
                    trust.error(c, host.id(), appOf(c, r.workUnitId()));
                }
            }
        }
        return acks;
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

    /**
     * Claims results up to {@code workSeconds}; only of {@code projects} unless that is empty. Candidates are taken
     * from the queue exclusively, so concurrent requests claim different work units, then claimed together in one
     * transaction (a commit per claim was most of a request's time on H2); a second round tries again when some
     * candidates were not for this host.
     */
    private List<Assignment> dispatch(Hosts.Host host, double workSeconds, Set<Long> projects, Instant now) {
        List<Assignment> out = new ArrayList<>();
        Set<Long> held = heldWorkUnits(host, queue.firstWorkUnitId());
        double total = 0;
        boolean refilled = false;
        for (int round = 0; round < 2 && out.size() < MAX_ASSIGNMENTS && total < workSeconds; round++) {
            List<DispatchQueue.Candidate> taken = new ArrayList<>();
            double planned = total;
            while (out.size() + taken.size() < MAX_ASSIGNMENTS && planned < workSeconds) {
                Optional<DispatchQueue.Candidate> next = queue.take(c -> (projects.isEmpty()
                        || projects.contains(c.projectId())) && !held.contains(c.workUnitId()));
                if (next.isEmpty()) {
                    if (!taken.isEmpty() || !out.isEmpty() || refilled) {
                        break;
                    }
                    queue.refill();
                    refilled = true;
                    held.addAll(heldWorkUnits(host, queue.firstWorkUnitId()));
                    continue;
                }
                taken.add(next.get());
                held.add(next.get().workUnitId()); // one replica per work unit and host, tried once per request
                planned += next.get().estimatedSeconds();
            }
            if (taken.isEmpty()) {
                break;
            }
            // every request locks its work units in id order, so two requests holding replicas of the same work
            // units cannot deadlock (the queue's order is not id order: a released candidate goes to its end)
            taken.sort(Comparator.comparingLong(DispatchQueue.Candidate::workUnitId));
            List<DispatchQueue.Candidate> sent = new ArrayList<>();
            Claims claims = new Claims(host, now);
            Set<Long> reduced = new HashSet<>();
            try {
                out.addAll(jdbc.inTransactionNotYetDurable(c -> {
                    List<Assignment> claimed = new ArrayList<>();
                    for (DispatchQueue.Candidate candidate : taken) {
                        Optional<Assignment> a = claim(c, claims, candidate, reduced);
                        if (a.isPresent()) {
                            claimed.add(a.get());
                            sent.add(candidate);
                        }
                    }
                    return claimed;
                }));
            } catch (RuntimeException e) {
                taken.forEach(queue::release); // nothing was claimed
                throw e;
            }
            for (DispatchQueue.Candidate candidate : taken) {
                if (sent.contains(candidate)) {
                    queue.remove(candidate.resultId());
                    total += candidate.estimatedSeconds();
                } else {
                    queue.release(candidate); // keeps only what claim() did not remove
                }
            }
            // their other replicas are no longer unsent: each left in the queue would cost a claim that fails
            // (with replication 2 and trusted hosts, nearly one failed claim per result sent)
            queue.removeWorkUnits(reduced);
        }
        return out;
    }

    /** Work units from {@code firstWorkUnit} on that the host's account already holds a result of. */
    private Set<Long> heldWorkUnits(Hosts.Host host, long firstWorkUnit) {
        return new HashSet<>(jdbc.query("SELECT DISTINCT work_unit_id FROM results WHERE account_id = ?"
                + " AND work_unit_id >= ?", rs -> rs.getLong(1), host.accountId(), firstWorkUnit));
    }

    /** A batch's settings that never change after submission, as the scheduler needs them for every claim. */
    private record BatchSettings(String app, String appVersion, Map<String, String> parameters, int minQuorum,
                                 int targetResults) {
    }

    private BatchSettings batch(Connection c, long id) throws SQLException {
        BatchSettings known = batches.get(id);
        if (known != null) {
            return known;
        }
        BatchSettings read = Jdbc.queryOne(c, "SELECT app, app_version, parameters, min_quorum, target_results"
                + " FROM batches WHERE id = ?", rs -> new BatchSettings(rs.getString(1), rs.getString(2),
                parameters(rs.getString(3)), rs.getInt(4), rs.getInt(5)), id).orElseThrow();
        if (batches.size() > MAX_CACHED_BATCHES) {
            batches.clear();
        }
        batches.put(id, read);
        return read;
    }

    /** What the claims of one request share: the host's standing and remaining daily quota per app. */
    private final class Claims {
        private final Hosts.Host host;
        private final Instant now;
        private final Map<String, HostTrust.Standing> standings = new HashMap<>();
        private final Map<String, Integer> remaining = new HashMap<>();

        Claims(Hosts.Host host, Instant now) {
            this.host = host;
            this.now = now;
        }

        HostTrust.Standing standing(Connection c, String app) throws SQLException {
            HostTrust.Standing s = standings.get(app);
            if (s == null) {
                s = trust.peek(c, host.id(), app);
                standings.put(app, s);
            }
            return s;
        }

        /** Takes one from the day's quota for the app; false when it is used up. */
        boolean takeQuota(Connection c, String app) throws SQLException {
            Integer left = remaining.get(app);
            if (left == null) {
                left = trust.remainingToday(c, host.id(), app, now);
            }
            remaining.put(app, Math.max(0, left - 1));
            return left > 0;
        }
    }

    /**
     * Claims one candidate in the request's transaction; adds its work unit to {@code reduced} when adaptive
     * replication found its other replicas not needed.
     */
    private Optional<Assignment> claim(Connection c, Claims claims, DispatchQueue.Candidate candidate,
                                       Set<Long> reduced) throws SQLException {
        Hosts.Host host = claims.host;
        Instant now = claims.now;
        // the work unit's row alone: FOR UPDATE over a join would lock the batch's row too, and every claim of the
        // batch would queue on it
        Optional<Object[]> locked = Jdbc.queryOne(c, "SELECT state, canonical_result_id, delay_bound_seconds,"
                + " estimated_seconds, batch_id, min_quorum FROM work_units WHERE id = ? FOR UPDATE",
                rs -> new Object[] {rs.getString(1), rs.getObject(2), rs.getLong(3), rs.getDouble(4), rs.getLong(5),
                        rs.getInt(6)}, candidate.workUnitId());
        if (locked.isEmpty() || "DONE".equals(locked.get()[0]) || "FAILED".equals(locked.get()[0])
                || locked.get()[1] != null) {
            queue.remove(candidate.resultId());
            return Optional.empty();
        }
        Object[] wu = locked.get();
        BatchSettings batch = batch(c, (Long) wu[4]);
        if (Jdbc.queryLong(c, "SELECT COUNT(*) FROM results WHERE work_unit_id = ? AND (host_id = ? OR account_id = ?)",
                candidate.workUnitId(), host.id(), host.accountId()) > 0) {
            return Optional.empty(); // another host may take it
        }
        if (!claims.takeQuota(c, batch.app())) {
            return Optional.empty(); // daily quota used up; another host may take it
        }
        Instant deadline = now.plusSeconds((Long) wu[2]);
        if (!ResultTransitions.sent(c, candidate.resultId(), host.id(), host.accountId(), now, deadline)) {
            queue.remove(candidate.resultId());
            return Optional.empty();
        }
        WorkUnitTransitions.sent(c, candidate.workUnitId());
        if (AdaptiveReplication.afterSending(c, trust, claims.standing(c, batch.app()), candidate.workUnitId(),
                candidate.resultId(), (Integer) wu[5], batch.minQuorum(), batch.targetResults())) {
            reduced.add(candidate.workUnitId());
        }
        List<InputRef> inputs = Jdbc.query(c, "SELECT name, sha256, size_bytes FROM batch_files WHERE work_unit_id = ?"
                + " ORDER BY seq", rs -> new InputRef(rs.getString(1), "/api/v1/files/" + rs.getString(2),
                rs.getLong(3), rs.getString(2)), candidate.workUnitId());
        return Optional.of(AssignmentSignatures.sign(signer, new Assignment(candidate.resultId(), candidate.name(),
                candidate.workUnitId(), batch.app(), batch.appVersion(), batch.parameters(), inputs, deadline,
                config.maxOutputBytes(), config.memoryBoundBytes(), (Double) wu[3],
                "/api/v1/results/" + candidate.resultId() + "/output")));
    }

    private static String appOf(Connection c, long workUnit) throws SQLException {
        return Jdbc.queryOne(c, "SELECT b.app FROM work_units w JOIN batches b ON b.id = w.batch_id WHERE w.id = ?",
                rs -> rs.getString(1), workUnit).orElse("");
    }

    private static Map<String, String> parameters(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored parameters are not JSON: " + json, e);
        }
    }
}

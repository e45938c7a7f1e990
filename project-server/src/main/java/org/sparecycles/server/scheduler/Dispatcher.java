package org.sparecycles.server.scheduler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.hosts.Hosts;
import org.sparecycles.server.lifecycle.ResultTransitions;
import org.sparecycles.server.lifecycle.WorkUnitTransitions;
import org.sparecycles.server.trust.HostTrust;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.InputRef;

/**
 * The scheduler's dispatch: claims results from the {@link DispatchQueue} for one host. Each candidate's work
 * unit row is locked while checking that neither this host nor another host of the same account holds a replica,
 * and the day's quota; then the result is claimed with a guarded update. The assignments come back unsigned: the
 * {@link Scheduler} signs them once the request has given up its turn. Thread-safe.
 */
final class Dispatcher {
    /** Most assignments in one reply, however much work is asked for. */
    static final int MAX_ASSIGNMENTS = 50;
    /** Batches whose fixed settings are kept in memory; the cache starts over beyond that. */
    private static final int MAX_CACHED_BATCHES = 10_000;

    private final Map<Long, BatchSettings> batches = new ConcurrentHashMap<>();
    private final Jdbc jdbc;
    private final ServerConfig config;
    private final DispatchQueue queue;
    private final HostTrust trust;

    Dispatcher(Jdbc jdbc, ServerConfig config, HostTrust trust) {
        this.jdbc = jdbc;
        this.config = config;
        this.queue = new DispatchQueue(jdbc);
        this.trust = trust;
    }

    /** Unsent results in the queue, as far as it knows (it is refilled from the database when empty). */
    int queued() {
        return queue.size();
    }

    /**
     * Claims results up to {@code workSeconds}, at most {@code most} of them (with the results sent again, a reply
     * carries at most {@link #MAX_ASSIGNMENTS}); only of {@code projects} unless that is empty. Candidates are taken
     * from the queue exclusively, so concurrent requests claim different work units, then claimed together in one
     * transaction (a commit per claim was most of a request's time on H2); a second round tries again when some
     * candidates were not for this host. The assignments are not signed yet.
     */
    List<Assignment> dispatch(Hosts.Host host, double workSeconds, int most, Set<Long> projects, Instant now) {
        List<Assignment> out = new ArrayList<>();
        Set<Long> held = heldWorkUnits(host, queue.firstWorkUnitId());
        double total = 0;
        boolean refilled = false;
        for (int round = 0; round < 2 && out.size() < most && total < workSeconds; round++) {
            List<DispatchQueue.Candidate> taken = new ArrayList<>();
            double planned = total;
            while (out.size() + taken.size() < most && planned < workSeconds) {
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
        // as the database keeps it (microseconds), so the assignment of a result sent again is the same
        Instant deadline = now.plusSeconds((Long) wu[2]).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        if (!ResultTransitions.sent(c, candidate.resultId(), host.id(), host.accountId(), now, deadline)) {
            queue.remove(candidate.resultId());
            return Optional.empty();
        }
        WorkUnitTransitions.sent(c, candidate.workUnitId());
        if (AdaptiveReplication.afterSending(c, trust, claims.standing(c, batch.app()), candidate.workUnitId(),
                candidate.resultId(), (Integer) wu[5], batch.minQuorum(), batch.targetResults())) {
            reduced.add(candidate.workUnitId());
        }
        return Optional.of(assignment(c, candidate.resultId(), candidate.name(), candidate.workUnitId(), batch, deadline,
                (Double) wu[3]));
    }

    /**
     * Applies again a claim the {@link SchedulerJournal} holds from before a crash: the result's guarded update to
     * IN_PROGRESS for the host, with the time and deadline the reply gave, and what follows from it as in
     * {@link #claim}, adaptive replication decided with the host's standing now. The checks a claim makes first are
     * not made again: the host holds the result, so the database must say so. Returns whether the result changed (not
     * when the store held the claim already).
     */
    boolean claimAgain(Connection c, long hostId, long accountId, SchedulerJournal.Claim claim, Instant at)
            throws SQLException {
        Optional<long[]> wu = Jdbc.queryOne(c, "SELECT min_quorum, batch_id FROM work_units WHERE id = ? FOR UPDATE",
                rs -> new long[] {rs.getInt(1), rs.getLong(2)}, claim.workUnit());
        if (wu.isEmpty() || !ResultTransitions.sent(c, claim.result(), hostId, accountId, at, claim.deadline())) {
            return false;
        }
        WorkUnitTransitions.sent(c, claim.workUnit());
        BatchSettings batch = batch(c, wu.get()[1]);
        AdaptiveReplication.afterSending(c, trust, trust.peek(c, hostId, batch.app()), claim.workUnit(),
                claim.result(), (int) wu.get()[0], batch.minQuorum(), batch.targetResults());
        return true;
    }

    /** The assignment of a result sent to a host, unsigned. */
    private Assignment assignment(Connection c, long result, String name, long workUnit, BatchSettings batch,
                                  Instant deadline, double estimatedSeconds) throws SQLException {
        List<InputRef> inputs = Jdbc.query(c, "SELECT name, sha256, size_bytes FROM batch_files WHERE work_unit_id = ?"
                + " ORDER BY seq", rs -> new InputRef(rs.getString(1), "/api/v1/files/" + rs.getString(2),
                rs.getLong(3), rs.getString(2)), workUnit);
        return new Assignment(result, name, workUnit, batch.app(), batch.appVersion(), batch.parameters(), inputs,
                deadline, config.maxOutputBytes(), config.memoryBoundBytes(), estimatedSeconds,
                "/api/v1/results/" + result + "/output");
    }

    /** The results in progress on a host ({@link #lost}), through the index on {@code results (host_id, sent_at)}. */
    static final String IN_PROGRESS_ON_HOST = "SELECT r.id, r.name, r.work_unit_id, r.deadline,"
            + " w.state IN ('DONE', 'FAILED') OR w.canonical_result_id IS NOT NULL, w.estimated_seconds, w.batch_id,"
            + " b.project_id FROM results r JOIN work_units w ON w.id = r.work_unit_id JOIN batches b ON b.id = w.batch_id"
            + " WHERE r.host_id = ? AND r.server_state = 'IN_PROGRESS' ORDER BY r.id";

    /** A result in progress on a host, with what decides whether it can be sent again. */
    private record Sent(long id, String name, long workUnitId, Instant deadline, boolean workUnitOver, double estimated,
                        long batchId, long projectId) {
    }

    /**
     * Results in progress on the host that it neither holds nor reports: the reply that carried them never reached it
     * (the server stopped before the reply went out, the connection broke, or the client lost its state). Those of
     * work units that are over become OVER / DIDNT_NEED. The others, when {@code resend}, come back as assignments
     * again, with their first deadline and only of {@code projects} unless that is empty; else, and once their
     * deadline has passed, they are left to the deadline pass.
     */
    List<Assignment> lost(Hosts.Host host, Set<Long> held, boolean resend, Set<Long> projects, Instant now) {
        return jdbc.inTransactionNotYetDurable(c -> {
            List<Sent> sent = Jdbc.query(c, IN_PROGRESS_ON_HOST,
                    rs -> new Sent(rs.getLong(1), rs.getString(2), rs.getLong(3),
                            Jdbc.instant(rs, "deadline"), rs.getBoolean(5),
                            rs.getDouble(6), rs.getLong(7), rs.getLong(8)), host.id());
            List<Assignment> again = new ArrayList<>();
            for (Sent r : sent) {
                if (held.contains(r.id())) {
                    continue;
                }
                if (r.workUnitOver()) {
                    ResultTransitions.cancelled(c, r.id());
                } else if (resend && r.deadline().isAfter(now) && again.size() < MAX_ASSIGNMENTS
                        && (projects.isEmpty() || projects.contains(r.projectId()))) {
                    again.add(assignment(c, r.id(), r.name(), r.workUnitId(), batch(c, r.batchId()), r.deadline(),
                            r.estimated()));
                }
            }
            return again;
        });
    }


    private static Map<String, String> parameters(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored parameters are not JSON: " + json, e);
        }
    }
}

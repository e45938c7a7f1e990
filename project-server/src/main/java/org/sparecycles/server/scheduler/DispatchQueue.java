package org.sparecycles.server.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.sparecycles.server.db.Jdbc;

/**
 * The in-memory queue of unsent results the scheduler dispatches from, so a scheduler request does not scan
 * tables. Refilled from the database in id order when it runs low (below {@link #LOW_WATER}) or when a request
 * found nothing it could send; a cursor makes successive refills move through the table and wrap around. The
 * database stays the truth: a result is only sent by a guarded claim, entries that lost a claim race or are no
 * longer wanted are dropped, and after a restart the queue refills from scratch. Thread-safe.
 *
 * <p>Concurrent scheduler requests {@link #take} candidates exclusively: a candidate being claimed by one request
 * is out of the queue (and kept out of refills) until that request {@link #remove}s it (sent, or no longer
 * wanted) or {@link #release}s it (not for this host). So requests do not all queue up on the row lock of the
 * same first work unit.
 */
final class DispatchQueue {
    static final int CAPACITY = 2000;
    static final int LOW_WATER = 500;

    /** An unsent result and what the scheduler needs to pick it without a query. */
    record Candidate(long resultId, String name, long workUnitId, double estimatedSeconds, long projectId) {
    }

    private final Jdbc jdbc;
    private final Map<Long, Candidate> entries = new LinkedHashMap<>();
    /**
     * The result ids in {@link #entries} of each work unit, in work unit id order: every scheduler request asks for
     * the smallest, and a request that sent a work unit's only needed replica drops the others, both without a walk
     * over the entries (proportional to the queue).
     */
    private final TreeMap<Long, List<Long>> queuedWorkUnits = new TreeMap<>();
    private final Map<Long, Candidate> inFlight = new HashMap<>();
    private long cursor;
    /** A refill's query is running (outside the lock, so requests go on taking from what is queued meanwhile). */
    private boolean refilling;

    DispatchQueue(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes the first candidate that is usable, refilling first when the queue is low; it stays out of the queue
     * until {@link #remove} or {@link #release}.
     */
    Optional<Candidate> take(Predicate<Candidate> usable) {
        if (size() < LOW_WATER) {
            load(false);
        }
        return takeQueued(usable);
    }

    private synchronized Optional<Candidate> takeQueued(Predicate<Candidate> usable) {
        for (Iterator<Candidate> it = entries.values().iterator(); it.hasNext(); ) {
            Candidate c = it.next();
            if (usable.test(c)) {
                it.remove();
                dequeued(c);
                inFlight.put(c.resultId(), c);
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The smallest work unit id among the queued candidates (refilling first when low); MAX_VALUE when empty. */
    long firstWorkUnitId() {
        if (size() < LOW_WATER) {
            load(false);
        }
        return firstQueuedWorkUnitId();
    }

    private synchronized long firstQueuedWorkUnitId() {
        return queuedWorkUnits.isEmpty() ? Long.MAX_VALUE : queuedWorkUnits.firstKey();
    }

    /** Queues a candidate unless it is queued already. Called holding the lock. */
    private void enqueue(Candidate c) {
        if (entries.putIfAbsent(c.resultId(), c) == null) {
            queuedWorkUnits.computeIfAbsent(c.workUnitId(), wu -> new ArrayList<>(2)).add(c.resultId());
        }
    }

    /** Drops a candidate from the work unit index: {@link #entries} no longer holds it. Called holding the lock. */
    private void dequeued(Candidate c) {
        queuedWorkUnits.computeIfPresent(c.workUnitId(), (wu, ids) -> {
            ids.remove(Long.valueOf(c.resultId()));
            return ids.isEmpty() ? null : ids;
        });
    }

    /** Puts a taken candidate back (this host could not have it), unless it was removed meanwhile. */
    synchronized void release(Candidate candidate) {
        if (inFlight.remove(candidate.resultId()) != null) {
            enqueue(candidate);
        }
    }

    /** Forgets a result: sent, or no longer unsent. */
    synchronized void remove(long resultId) {
        Candidate queued = entries.remove(resultId);
        if (queued != null) {
            dequeued(queued);
        }
        inFlight.remove(resultId);
    }

    /**
     * Forgets every result of these work units, queued or being claimed by another request (which then cannot
     * release it back): their unsent results are no longer wanted.
     */
    synchronized void removeWorkUnits(Set<Long> workUnits) {
        if (workUnits.isEmpty()) {
            return;
        }
        for (long workUnit : workUnits) {
            List<Long> queued = queuedWorkUnits.remove(workUnit);
            if (queued != null) {
                queued.forEach(entries::remove);
            }
        }
        inFlight.values().removeIf(c -> workUnits.contains(c.workUnitId())); // taken by requests under way: a few
    }

    synchronized int size() {
        return entries.size();
    }

    /**
     * Loads more unsent results after the cursor, or waits for a load another request started; wraps to the start
     * when the table end is reached.
     */
    void refill() {
        load(true);
    }

    /** The refill: at most {@code room} unsent results after the cursor (its one parameter), in id order. */
    static String refillSql(int room) {
        return "SELECT r.id, r.name, r.work_unit_id, w.estimated_seconds, b.project_id FROM results r"
                + " JOIN work_units w ON w.id = r.work_unit_id JOIN batches b ON b.id = w.batch_id"
                + " WHERE r.server_state = 'UNSENT' AND r.deadline IS NULL AND r.id > ?"
                + " ORDER BY r.server_state, r.deadline, r.id FETCH FIRST " + room + " ROWS ONLY";
    }

    /**
     * The query runs outside the lock: requests take from what is queued meanwhile (they all waited on the lock for
     * the query's length before, which showed in the scheduler's p99). A result the query read as unsent may have
     * been sent meanwhile and come back as a stale entry; its claim then fails the guarded update and drops it.
     */
    private void load(boolean waitForOther) {
        long from;
        int room;
        synchronized (this) {
            if (refilling) {
                while (waitForOther && refilling) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                return;
            }
            room = CAPACITY - entries.size();
            if (room <= 0) {
                return;
            }
            refilling = true;
            from = cursor;
        }
        try {
            // deadline IS NULL (true of every unsent result) and the ORDER BY let the database walk the index
            // (server_state, deadline, id) from the cursor and stop after `room` rows (V42): sorting every unsent
            // result took seconds a refill with a million of them (docs/benchmarks.md, "A large backlog")
            List<Candidate> loaded = jdbc.query(refillSql(room), rs -> new Candidate(rs.getLong(1), rs.getString(2),
                    rs.getLong(3), rs.getDouble(4), rs.getLong(5)), from);
            boolean fresh;
            synchronized (this) {
                fresh = loaded.stream().anyMatch(c -> !entries.containsKey(c.resultId())
                        && !inFlight.containsKey(c.resultId()));
            }
            if (fresh) {
                // a claim is made durable by the scheduler's journal alone, and applying it again after a crash needs
                // the result's row as it was: written before it can be claimed (a transitioner pass that made new
                // replicas writes them only at its end). Results queued already were written when they came in
                jdbc.awaitDurable();
            }
            synchronized (this) {
                for (Candidate c : loaded) {
                    if (!inFlight.containsKey(c.resultId())) {
                        enqueue(c);
                    }
                }
                cursor = loaded.size() < room ? 0 : loaded.get(loaded.size() - 1).resultId();
            }
        } finally {
            synchronized (this) {
                refilling = false;
                notifyAll();
            }
        }
    }
}

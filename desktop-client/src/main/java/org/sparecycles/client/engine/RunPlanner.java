package org.sparecycles.client.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.sparecycles.client.state.TaskRecord;

/**
 * Decides which tasks compute now: running tasks keep their slot while allowed; the budget of
 * {@link EngineSettings#maxRunning} goes first to already running tasks, then to ready ones, earliest deadline
 * first. A task whose memory would take the running tasks over {@link EngineSettings#memoryLimitBytes} waits
 * (as BOINC's "waiting for memory"), and a later, smaller one may run instead. Everything else is held, with the
 * reason people see. A worker that finished its task and waits for its slot's next one ({@link Idle}) is given to
 * a starting task that asks for its heap, which then counts the worker's memory; the other waiting workers are to
 * be dismissed at once when their memory would take the tasks over the limit. Pure.
 */
final class RunPlanner {
    static final String SUSPENDED_BY_YOU = "suspended by you";
    static final String WAITING_FOR_CORE = "waiting for a free core";
    static final String WAITING_FOR_MEMORY = "waiting for memory";

    private RunPlanner() {
    }

    /**
     * @param run         running tasks that should compute (started, resumed or continued)
     * @param start       ready tasks to start now, in order
     * @param held        every other running or ready task and why it does not compute
     * @param reuse       the slot of the waiting worker each of some starting tasks is given, by result id
     * @param dismissIdle whether the waiting workers no starting task is given are to be dismissed now: their
     *                    memory would take the tasks over the limit
     */
    record Plan(Set<Long> run, List<TaskRecord> start, Map<Long, String> held, Map<Long, Integer> reuse,
                boolean dismissIdle) {
    }

    /** A worker waiting for its slot's next task: its slot, the heap it was started with and its resident bytes. */
    record Idle(int slot, long heapMegabytes, long bytes) {
    }

    static Plan plan(List<TaskRecord> running, List<TaskRecord> ready, Set<Long> suspendedByYou,
                     EngineSettings settings) {
        return plan(running, ready, suspendedByYou, settings, t -> 0L, t -> 0L, List.of());
    }

    /**
     * @param memory bytes a task uses (measured for running workers) or is expected to use (its memory bound)
     * @param heap   the heap, in MiB, a task's worker is started with
     * @param idle   the workers waiting for their slot's next task
     */
    static Plan plan(List<TaskRecord> running, List<TaskRecord> ready, Set<Long> suspendedByYou,
                     EngineSettings settings, ToLongFunction<TaskRecord> memory, ToLongFunction<TaskRecord> heap,
                     List<Idle> idle) {
        Comparator<TaskRecord> byDeadline = Comparator.comparing(TaskRecord::localDeadline,
                Comparator.nullsLast(Comparator.<Instant>naturalOrder()));
        int budget = settings.hold() == null ? settings.maxRunning() : 0;
        String busy = settings.hold() != null ? settings.hold() : WAITING_FOR_CORE;
        Set<Long> run = new LinkedHashSet<>();
        Map<Long, String> held = new LinkedHashMap<>();
        long limit = settings.memoryLimitBytes();
        long used = 0;
        for (TaskRecord t : running.stream().sorted(byDeadline).toList()) {
            long m = memory.applyAsLong(t);
            if (suspendedByYou.contains(t.resultId())) {
                held.put(t.resultId(), SUSPENDED_BY_YOU);
            } else if (budget > 0 && limit > 0 && used + m > limit) {
                held.put(t.resultId(), memoryReason(m, limit));
            } else if (budget > 0) {
                used += m;
                run.add(t.resultId());
                budget--;
            } else {
                held.put(t.resultId(), busy);
            }
        }
        List<TaskRecord> start = new ArrayList<>();
        List<Idle> waiting = new ArrayList<>(idle);
        Map<Long, Integer> reuse = new LinkedHashMap<>();
        for (TaskRecord t : ready.stream().sorted(byDeadline).toList()) {
            Idle worker = waiting.stream().filter(i -> i.heapMegabytes() == heap.applyAsLong(t)).findFirst()
                    .orElse(null);
            // a waiting worker keeps the memory it reached; the task's own bound is what a fresh worker may reach
            long m = worker == null ? memory.applyAsLong(t) : Math.max(memory.applyAsLong(t), worker.bytes());
            if (suspendedByYou.contains(t.resultId())) {
                held.put(t.resultId(), SUSPENDED_BY_YOU);
            } else if (budget > 0 && limit > 0 && used + m > limit) {
                held.put(t.resultId(), "ready; " + memoryReason(m, limit));
            } else if (budget > 0) {
                used += m;
                start.add(t);
                budget--;
                if (worker != null) {
                    waiting.remove(worker);
                    reuse.put(t.resultId(), worker.slot());
                }
            } else {
                held.put(t.resultId(), settings.hold() != null ? settings.hold() : "ready; " + WAITING_FOR_CORE);
            }
        }
        long waitingBytes = waiting.stream().mapToLong(Idle::bytes).sum();
        return new Plan(run, start, held, reuse, limit > 0 && !waiting.isEmpty() && used + waitingBytes > limit);
    }

    private static String memoryReason(long needs, long limit) {
        return WAITING_FOR_MEMORY + " (needs " + (needs >> 20) + " MB; tasks may use " + (limit >> 20) + " MB)";
    }
}

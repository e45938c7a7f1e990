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
 * reason people see. Pure.
 */
final class RunPlanner {
    static final String SUSPENDED_BY_YOU = "suspended by you";
    static final String WAITING_FOR_CORE = "waiting for a free core";
    static final String WAITING_FOR_MEMORY = "waiting for memory";

    private RunPlanner() {
    }

    /**
     * @param run   running tasks that should compute (started, resumed or continued)
     * @param start ready tasks to start now, in order
     * @param held  every other running or ready task and why it does not compute
     */
    record Plan(Set<Long> run, List<TaskRecord> start, Map<Long, String> held) {
    }

    static Plan plan(List<TaskRecord> running, List<TaskRecord> ready, Set<Long> suspendedByYou,
                     EngineSettings settings) {
        return plan(running, ready, suspendedByYou, settings, t -> 0L);
    }

    /**
     * @param memory bytes a task uses (measured for running workers) or is expected to use (its memory bound)
     */
    static Plan plan(List<TaskRecord> running, List<TaskRecord> ready, Set<Long> suspendedByYou,
                     EngineSettings settings, ToLongFunction<TaskRecord> memory) {
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
        for (TaskRecord t : ready.stream().sorted(byDeadline).toList()) {
            long m = memory.applyAsLong(t);
            if (suspendedByYou.contains(t.resultId())) {
                held.put(t.resultId(), SUSPENDED_BY_YOU);
            } else if (budget > 0 && limit > 0 && used + m > limit) {
                held.put(t.resultId(), "ready; " + memoryReason(m, limit));
            } else if (budget > 0) {
                used += m;
                start.add(t);
                budget--;
            } else {
                held.put(t.resultId(), settings.hold() != null ? settings.hold() : "ready; " + WAITING_FOR_CORE);
            }
        }
        return new Plan(run, start, held);
    }

    private static String memoryReason(long needs, long limit) {
        return WAITING_FOR_MEMORY + " (needs " + (needs >> 20) + " MB; tasks may use " + (limit >> 20) + " MB)";
    }
}

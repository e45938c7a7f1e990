package org.sparecycles.client.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sparecycles.client.state.TaskRecord;
import org.sparecycles.client.state.TaskState;
import org.sparecycles.workunits.protocol.Assignment;

class RunPlannerTest {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final long MB = 1 << 20;

    private static TaskRecord task(long id, int deadlineHours, TaskState state) {
        Assignment a = new Assignment(id, "wu_" + id + "_0", id, "particle-count", "1.0", Map.of(), List.of(),
                NOW.plus(Duration.ofHours(deadlineHours)), 1 << 20, 100 * MB, 60, "/upload/" + id);
        TaskRecord t = TaskRecord.received(a, NOW).moveTo(TaskState.READY);
        return state == TaskState.RUNNING ? t.running((int) id) : t;
    }

    private static EngineSettings cores(int n) {
        return new EngineSettings(n, null, false, false, Duration.ZERO, 1, List.of());
    }

    private static EngineSettings coresAndMemory(int n, long bytes) {
        return new EngineSettings(n, null, false, false, Duration.ZERO, 1, List.of(), bytes, Duration.ZERO);
    }

    private static List<Long> ids(List<TaskRecord> tasks) {
        return tasks.stream().map(TaskRecord::resultId).toList();
    }

    @Test
    void readyTasksStartEarliestDeadlineFirstWithinTheCores() {
        List<TaskRecord> ready = List.of(task(1, 48, TaskState.READY), task(2, 2, TaskState.READY),
                task(3, 24, TaskState.READY));

        RunPlanner.Plan plan = RunPlanner.plan(List.of(), ready, Set.of(), cores(2));

        assertEquals(List.of(2L, 3L), ids(plan.start()));
        assertEquals(Map.of(1L, "ready; " + RunPlanner.WAITING_FOR_CORE), plan.held());
    }

    @Test
    void runningTasksKeepTheirCoreBeforeReadyOnesStart() {
        RunPlanner.Plan plan = RunPlanner.plan(List.of(task(1, 48, TaskState.RUNNING)),
                List.of(task(2, 1, TaskState.READY)), Set.of(), cores(1));

        assertEquals(Set.of(1L), plan.run());
        assertTrue(plan.start().isEmpty());
    }

    @Test
    void aTaskWithAnEarlierDeadlineTakesTheCoreOfALaterRunningOneWhenCoresShrink() {
        List<TaskRecord> running = List.of(task(1, 48, TaskState.RUNNING), task(2, 3, TaskState.RUNNING));

        RunPlanner.Plan plan = RunPlanner.plan(running, List.of(), Set.of(), cores(1));

        assertEquals(Set.of(2L), plan.run());
        assertEquals(RunPlanner.WAITING_FOR_CORE, plan.held().get(1L));
    }

    @Test
    void holdReasonAndSuspendedByYouAreShown() {
        EngineSettings held = new EngineSettings(2, "computer in use", false, false, Duration.ZERO, 1, List.of());

        RunPlanner.Plan plan = RunPlanner.plan(List.of(task(1, 5, TaskState.RUNNING)),
                List.of(task(2, 5, TaskState.READY), task(3, 5, TaskState.READY)), Set.of(3L), held);

        assertTrue(plan.run().isEmpty());
        assertEquals(Map.of(1L, "computer in use", 2L, "computer in use", 3L, RunPlanner.SUSPENDED_BY_YOU),
                plan.held());
    }

    @Test
    void tasksBeyondTheMemoryLimitWaitAndASmallerOneMayRunInstead() {
        List<TaskRecord> running = List.of(task(1, 5, TaskState.RUNNING), task(2, 6, TaskState.RUNNING));
        List<TaskRecord> ready = List.of(task(3, 7, TaskState.READY));
        Map<Long, Long> use = Map.of(1L, 300 * MB, 2L, 400 * MB, 3L, 100 * MB);

        RunPlanner.Plan plan = plan(running, ready, coresAndMemory(3, 500 * MB), t -> use.get(t.resultId()),
                List.of());

        assertEquals(Set.of(1L), plan.run());
        assertEquals(List.of(3L), ids(plan.start()));
        assertEquals("waiting for memory (needs 400 MB; tasks may use 500 MB)", plan.held().get(2L));
    }

    @Test
    void withoutAMemoryLimitMemoryDoesNotMatter() {
        RunPlanner.Plan plan = plan(List.of(task(1, 5, TaskState.RUNNING)), List.of(), coresAndMemory(1, 0),
                t -> Long.MAX_VALUE / 4, List.of());

        assertEquals(Set.of(1L), plan.run());
    }

    /** Every task's worker gets a 100 MiB heap (the test assignments' memory bound). */
    private static RunPlanner.Plan plan(List<TaskRecord> running, List<TaskRecord> ready, EngineSettings settings,
                                        java.util.function.ToLongFunction<TaskRecord> memory,
                                        List<RunPlanner.Idle> idle) {
        return RunPlanner.plan(running, ready, Set.of(), settings, memory, t -> 100, idle);
    }

    @Test
    void aStartingTaskIsGivenAWaitingWorkerOfItsHeapAndCountsWhatThatWorkerHolds() {
        List<RunPlanner.Idle> idle = List.of(new RunPlanner.Idle(0, 200, 150 * MB),
                new RunPlanner.Idle(1, 100, 130 * MB));

        RunPlanner.Plan plan = plan(List.of(), List.of(task(3, 7, TaskState.READY)), coresAndMemory(2, 1000 * MB),
                t -> 100 * MB, idle);

        assertEquals(List.of(3L), ids(plan.start()));
        assertEquals(Map.of(3L, 1), plan.reuse(), "the worker of slot 1 has the task's heap");
        assertFalse(plan.dismissIdle(), "130 + 150 MB are within the limit");

        RunPlanner.Plan tight = plan(List.of(), List.of(task(3, 7, TaskState.READY)), coresAndMemory(2, 120 * MB),
                t -> 100 * MB, idle);

        assertTrue(tight.start().isEmpty());
        assertEquals("ready; waiting for memory (needs 130 MB; tasks may use 120 MB)", tight.held().get(3L));
        assertTrue(tight.dismissIdle(), "waiting workers hold memory the tasks may use");
    }

    @Test
    void waitingWorkersAreDismissedWhenTheirMemoryWouldTakeTheTasksOverTheLimit() {
        List<TaskRecord> running = List.of(task(1, 5, TaskState.RUNNING));
        List<RunPlanner.Idle> idle = List.of(new RunPlanner.Idle(1, 100, 90 * MB));
        Map<Long, Long> use = Map.of(1L, 300 * MB, 2L, 100 * MB);

        RunPlanner.Plan fits = plan(running, List.of(), coresAndMemory(2, 400 * MB), t -> use.get(t.resultId()), idle);
        RunPlanner.Plan over = plan(running, List.of(), coresAndMemory(2, 350 * MB), t -> use.get(t.resultId()), idle);
        RunPlanner.Plan noLimit = plan(running, List.of(), coresAndMemory(2, 0), t -> use.get(t.resultId()), idle);

        assertFalse(fits.dismissIdle(), "300 + 90 MB are within 400 MB");
        assertTrue(over.dismissIdle(), "300 + 90 MB are over 350 MB");
        assertEquals(Set.of(1L), over.run(), "a waiting worker never holds a running task");
        assertFalse(noLimit.dismissIdle());

        // a task of another heap starts without the waiting worker, whose memory then has to go
        RunPlanner.Plan other = RunPlanner.plan(running, List.of(task(2, 6, TaskState.READY)), Set.of(),
                coresAndMemory(2, 450 * MB), t -> use.get(t.resultId()), t -> 256, idle);
        assertEquals(List.of(2L), ids(other.start()));
        assertTrue(other.reuse().isEmpty());
        assertTrue(other.dismissIdle(), "300 + 100 + 90 MB are over 450 MB");
    }
}

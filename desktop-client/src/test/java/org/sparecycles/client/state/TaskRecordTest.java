package org.sparecycles.client.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparecycles.workunits.protocol.ResultReport;

class TaskRecordTest {
    private static TaskRecord task() {
        return StateStoreTest.stateWith(5).task(5).orElseThrow();
    }

    @ParameterizedTest
    @CsvSource({
            "DOWNLOADING, READY, true", "DOWNLOADING, RUNNING, false", "READY, RUNNING, true",
            "RUNNING, UPLOADING, true", "RUNNING, REPORTED, false", "UPLOADING, READY_TO_REPORT, true",
            "READY_TO_REPORT, REPORTED, true", "REPORTED, ABORTED, false", "ABORTED, READY, false",
            "RUNNING, ABORTED, true", "UPLOADING, RUNNING, false"})
    void allowsOnlyTheListedMoves(TaskState from, TaskState to, boolean allowed) {
        assertEquals(allowed, from.canMoveTo(to));
    }

    @Test
    void successfulTaskReportsItsOutput() {
        TaskRecord done = task().moveTo(TaskState.READY).running(1).computed("b".repeat(64), 321, 2.5, 3.0)
                .moveTo(TaskState.READY_TO_REPORT);

        assertEquals(new ResultReport(5, ResultReport.SUCCESS, "b".repeat(64), 321, 2.5, 3.0, null), done.report());
    }

    @Test
    void failedTaskReportsAClientError() {
        TaskRecord failed = task().moveTo(TaskState.READY).running(0).failed("blobs.png: truncated", 1, 2);

        assertEquals(ResultReport.CLIENT_ERROR, failed.report().outcome());
        assertEquals("blobs.png: truncated", failed.report().errorMessage());
    }

    @Test
    void refusesAMoveTheStateMachineForbids() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> task().moveTo(TaskState.REPORTED));
        assertEquals("result 5: cannot move from DOWNLOADING to REPORTED", e.getMessage());
    }

    @Test
    void finishedTasksAreKeptWithoutTheirInputLists() {
        ClientState s = StateStoreTest.stateWith(1, 2, 3)
                .updateTask(1, r -> r.moveTo(TaskState.READY).running(0).failed("boom", 1, 1))
                .updateTask(1, r -> r.moveTo(TaskState.REPORTED))
                .updateTask(2, r -> r.moveTo(TaskState.ABORTED))
                .updateTask(3, r -> r.moveTo(TaskState.READY));

        TaskRecord reported = s.task(1).orElseThrow();
        assertEquals(List.of(), reported.assignment().inputs());
        assertEquals(TaskState.REPORTED, reported.state());
        assertEquals("boom", reported.errorMessage());
        assertEquals("wu_1_0", reported.assignment().resultName());
        assertEquals(List.of(), s.task(2).orElseThrow().assignment().inputs());
        assertEquals(1, s.task(3).orElseThrow().assignment().inputs().size(), "a task to compute keeps its inputs");
    }

    @Test
    void keepsOnlyTheLastFinishedTasks() {
        ClientState s = ClientState.empty();
        for (long id = 1; id <= ClientState.FINISHED_KEPT + 5; id++) {
            TaskRecord t = StateStoreTest.stateWith(id).task(id).orElseThrow();
            s = s.withTask(t).updateTask(id, r -> r.moveTo(TaskState.ABORTED));
        }
        assertEquals(ClientState.FINISHED_KEPT, s.tasks().size());
        assertEquals(6, s.tasks().get(0).resultId());
        assertEquals(Instant.parse("2026-11-24T14:00:00Z"), s.tasks().get(0).received());
    }
}

package org.sparecycles.client.state;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.ResultReport;

/**
 * One task as the client persists it: the server's assignment and what the client has done with it so far.
 * Immutable; each change makes a new record.
 *
 * @param slot           the worker slot it runs in, -1 when none
 * @param outcome        null until finished; then {@link ResultReport#SUCCESS} or {@link ResultReport#CLIENT_ERROR}
 * @param outputSha256   output hash when successful
 * @param outputSize     output size in bytes when successful
 * @param cpuSeconds     CPU time of the worker, summed over resumed runs
 * @param elapsedSeconds wall time of the worker, summed over resumed runs
 * @param errorMessage   why it failed (client error), else null
 * @param serverAheadMillis how far the server's clock was ahead of the client's when the task arrived (negative:
 *                       behind); the assignment's deadline is on the server's clock, see {@link #localDeadline()}
 */
public record TaskRecord(Assignment assignment, TaskState state, int slot, Instant received, String outcome,
                         String outputSha256, long outputSize, double cpuSeconds, double elapsedSeconds,
                         String errorMessage, long serverAheadMillis) {

    public TaskRecord {
        Objects.requireNonNull(assignment, "assignment");
        Objects.requireNonNull(state, "state");
    }

    /** A task just received from a server whose clock agrees with ours. */
    public static TaskRecord received(Assignment assignment, Instant now) {
        return received(assignment, now, Duration.ZERO);
    }

    /** A task just received from the server, whose clock is {@code serverAhead} ahead of ours. */
    public static TaskRecord received(Assignment assignment, Instant now, Duration serverAhead) {
        return new TaskRecord(assignment, TaskState.DOWNLOADING, -1, now, null, null, 0, 0, 0, null,
                serverAhead.toMillis());
    }

    /** The deadline on this client's clock (the server's deadline less how far its clock is ahead); may be null. */
    public Instant localDeadline() {
        Instant deadline = assignment.deadline();
        return deadline == null ? null : deadline.minusMillis(serverAheadMillis);
    }

    public long resultId() {
        return assignment.resultId();
    }

    /**
     * This task in state {@code next}.
     *
     * @throws IllegalStateException when {@link TaskState#canMoveTo} forbids the move
     */
    public TaskRecord moveTo(TaskState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("result " + resultId() + ": cannot move from " + state + " to " + next);
        }
        return new TaskRecord(assignment, next, slot, received, outcome, outputSha256, outputSize, cpuSeconds,
                elapsedSeconds, errorMessage, serverAheadMillis);
    }

    /**
     * This task with an assignment that lists no inputs: for a finished task, which needs them no more (the engine
     * reads them just before a task finishes, to delete its cached inputs). Its signature no longer verifies; it was
     * checked when the task arrived. The same record when it lists none already.
     */
    public TaskRecord withoutInputs() {
        if (assignment.inputs().isEmpty()) {
            return this;
        }
        Assignment a = assignment;
        Assignment bare = new Assignment(a.resultId(), a.resultName(), a.workUnitId(), a.app(), a.appVersion(),
                a.parameters(), List.of(), a.deadline(), a.maxOutputBytes(), a.memoryBoundBytes(), a.estimatedSeconds(),
                a.uploadUrl(), a.signature());
        return new TaskRecord(bare, state, slot, received, outcome, outputSha256, outputSize, cpuSeconds,
                elapsedSeconds, errorMessage, serverAheadMillis);
    }

    /** Running in the given slot. */
    public TaskRecord running(int slotIndex) {
        TaskRecord moved = moveTo(TaskState.RUNNING);
        return new TaskRecord(assignment, moved.state, slotIndex, received, null, null, 0, 0, 0, null,
                serverAheadMillis);
    }

    /** Computed successfully; the output still has to be uploaded. */
    public TaskRecord computed(String sha256, long size, double cpu, double elapsed) {
        TaskRecord moved = moveTo(TaskState.UPLOADING);
        return new TaskRecord(assignment, moved.state, -1, received, ResultReport.SUCCESS, sha256, size, cpu,
                elapsed, null, serverAheadMillis);
    }

    /** Failed: to be reported as a client error. */
    public TaskRecord failed(String message, double cpu, double elapsed) {
        TaskRecord moved = moveTo(TaskState.READY_TO_REPORT);
        return new TaskRecord(assignment, moved.state, -1, received, ResultReport.CLIENT_ERROR, null, 0, cpu,
                elapsed, message, serverAheadMillis);
    }

    /** The report to send for a task in {@link TaskState#READY_TO_REPORT}. */
    public ResultReport report() {
        if (state != TaskState.READY_TO_REPORT) {
            throw new IllegalStateException("result " + resultId() + " is " + state + ", not ready to report");
        }
        return new ResultReport(resultId(), outcome, outputSha256, outputSize, cpuSeconds, elapsedSeconds,
                errorMessage);
    }
}

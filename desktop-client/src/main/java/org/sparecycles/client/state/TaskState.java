package org.sparecycles.client.state;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a task (one result held by this host) stands in the client. The allowed moves are listed here and
 * nowhere else; {@link TaskRecord#moveTo} refuses any other.
 *
 * <pre>
 * DOWNLOADING -&gt; READY -&gt; RUNNING -&gt; UPLOADING -&gt; READY_TO_REPORT -&gt; REPORTED
 *      \____________\__________\___________\______________/  (errors: straight to READY_TO_REPORT)
 * any state before REPORTED -&gt; ABORTED (cancelled by the server, or refused for good)
 * </pre>
 */
public enum TaskState {
    /** Input files are being fetched. */
    DOWNLOADING,
    /** All inputs are in the cache; waiting for a free slot. */
    READY,
    /** A worker process runs it in a slot (or will again after a restart). */
    RUNNING,
    /** The worker succeeded; the output is being uploaded. */
    UPLOADING,
    /** Finished (success or client error); waiting for the next scheduler request to report it. */
    READY_TO_REPORT,
    /** The server acknowledged the report. Final. */
    REPORTED,
    /** Dropped without a report: cancelled by the server or refused for good. Final. */
    ABORTED;

    /** True when a task in this state is still the host's to compute or report. */
    public boolean isActive() {
        return this != REPORTED && this != ABORTED;
    }

    /** True when the task still occupies part of the work buffer (not yet computed). */
    public boolean isQueued() {
        return this == DOWNLOADING || this == READY || this == RUNNING;
    }

    /** Whether a task may move from this state to {@code next}. */
    public boolean canMoveTo(TaskState next) {
        return successors().contains(next);
    }

    private Set<TaskState> successors() {
        return switch (this) {
            case DOWNLOADING -> EnumSet.of(READY, READY_TO_REPORT, ABORTED);
            case READY -> EnumSet.of(RUNNING, READY_TO_REPORT, ABORTED);
            case RUNNING -> EnumSet.of(UPLOADING, READY_TO_REPORT, ABORTED);
            case UPLOADING -> EnumSet.of(READY_TO_REPORT, ABORTED);
            case READY_TO_REPORT -> EnumSet.of(REPORTED, ABORTED);
            case REPORTED, ABORTED -> EnumSet.noneOf(TaskState.class);
        };
    }
}

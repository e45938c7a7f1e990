package org.sparecycles.client.engine;

import java.time.Instant;
import java.util.List;

/**
 * What the engine is doing, as one immutable value for observers (the JavaFX UI, tests): the attachment, every
 * task the client holds (and the last few finished ones), transfers under way and when the next scheduler
 * request may go. Published after every change; see {@link ClientEngine#addListener}.
 *
 * @param hostId        0 until the host is registered
 * @param nextRequest   earliest time of the next work request; null when none is planned
 * @param status        one line for people: {@code attaching}, {@code running}, {@code backing off}, ...
 */
public record EngineSnapshot(String server, long accountId, long hostId, List<TaskView> tasks,
                             List<TransferView> transfers, Instant nextRequest, String status) {
    public EngineSnapshot {
        tasks = List.copyOf(tasks);
        transfers = List.copyOf(transfers);
    }

    /**
     * One task.
     *
     * @param state    a {@link org.sparecycles.client.state.TaskState} name
     * @param progress fraction done, 0 to 1 (1 once computed)
     * @param slot     worker slot, -1 when not running
     */
    public record TaskView(long resultId, String resultName, String app, String state, double progress,
                           Instant deadline, int slot, double cpuSeconds, String outcome, String errorMessage) {
    }

    /** A download or upload under way. {@code direction}: {@code download} or {@code upload}. */
    public record TransferView(long resultId, String direction, String file, long bytes) {
    }
}

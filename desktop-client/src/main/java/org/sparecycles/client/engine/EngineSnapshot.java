package org.sparecycles.client.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the engine is doing, as one immutable value for observers (the JavaFX UI, tests): the attachment, every
 * task the client holds (and the last few finished ones), transfers under way and waiting to retry, when the next
 * scheduler request may go, and why computing is held. Published after every change; see
 * {@link ClientEngine#addListener}.
 *
 * @param hostId          0 until the host is registered
 * @param transferRetries result id to the time its failed transfer is retried
 * @param nextRequest     earliest time of the next work request; null when none is planned
 * @param status          one line for people: {@code attaching}, {@code computing}, {@code backing off}, ...
 * @param hold            why computing is held (see {@link EngineSettings#hold()}); null when it is not
 */
public record EngineSnapshot(String server, long accountId, long hostId, List<TaskView> tasks,
                             List<TransferView> transfers, Map<Long, Instant> transferRetries, Instant nextRequest,
                             String status, String hold) {
    public EngineSnapshot {
        tasks = List.copyOf(tasks);
        transfers = List.copyOf(transfers);
        transferRetries = Map.copyOf(transferRetries);
    }

    /**
     * One task.
     *
     * @param state            a {@link org.sparecycles.client.state.TaskState} name
     * @param progress         fraction done, 0 to 1 (1 once computed)
     * @param slot             worker slot, -1 when not running
     * @param elapsedSeconds   computing time of this run of the client (wall clock, while not held)
     * @param remainingSeconds estimated time left to compute
     * @param holdReason       why it does not compute now ("suspended by you", "waiting for a free core", ...);
     *                         null when it computes or is past computing
     */
    public record TaskView(long resultId, String resultName, String app, String state, double progress,
                           Instant deadline, int slot, double cpuSeconds, String outcome, String errorMessage,
                           double elapsedSeconds, double remainingSeconds, String holdReason) {
    }

    /** A download or upload under way. {@code direction}: {@code download} or {@code upload}. */
    public record TransferView(long resultId, String direction, String file, long bytes) {
    }
}

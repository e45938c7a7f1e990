package org.sparecycles.client.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparecycles.client.state.Attachment;
import org.sparecycles.client.state.ClientState;
import org.sparecycles.client.state.TaskRecord;
import org.sparecycles.client.state.TaskState;

/** Builds {@link EngineSnapshot}s from the engine's state. Pure. */
final class Snapshots {
    /** Below this fraction done, the remaining time comes from the server's estimate, not from the rate so far. */
    private static final double RATE_FROM = 0.05;

    private Snapshots() {
    }

    /** What the engine knows of tasks beyond their records: fraction done, seconds computed, why held. */
    record Running(Map<Long, Double> progress, Map<Long, Double> elapsed, Map<Long, String> holds) {
    }

    static EngineSnapshot of(String server, ClientState state, Running running,
                             List<EngineSnapshot.TransferView> transfers, Map<Long, Instant> retries,
                             Instant nextRequest, String status, String hold) {
        Attachment a = state.attachment();
        List<EngineSnapshot.TaskView> tasks = new ArrayList<>();
        for (TaskRecord t : state.tasks()) {
            long id = t.resultId();
            double p = switch (t.state()) {
                case DOWNLOADING, READY -> 0;
                case RUNNING -> running.progress().getOrDefault(id, 0.0);
                default -> 1;
            };
            double elapsed = t.state() == TaskState.RUNNING ? running.elapsed().getOrDefault(id, 0.0)
                    : t.elapsedSeconds();
            tasks.add(new EngineSnapshot.TaskView(id, t.assignment().resultName(), t.assignment().app(),
                    t.state().name(), p, t.localDeadline(), t.state() == TaskState.RUNNING ? t.slot() : -1,
                    t.cpuSeconds(), t.outcome(), t.errorMessage(), elapsed,
                    remaining(p, elapsed, t.assignment().estimatedSeconds()), running.holds().get(id)));
        }
        return new EngineSnapshot(server, a == null ? 0 : a.accountId(), a == null ? 0 : a.hostId(), tasks,
                transfers, retries, nextRequest == null || nextRequest.equals(Instant.EPOCH) ? null : nextRequest,
                status, hold);
    }

    /** Seconds left: from the rate so far once a little is done, else the server's estimate. */
    static double remaining(double progress, double elapsedSeconds, double estimatedSeconds) {
        if (progress >= 1) {
            return 0;
        }
        if (progress >= RATE_FROM && elapsedSeconds > 0) {
            return elapsedSeconds * (1 - progress) / progress;
        }
        return Math.max(0, estimatedSeconds) * (1 - progress);
    }
}

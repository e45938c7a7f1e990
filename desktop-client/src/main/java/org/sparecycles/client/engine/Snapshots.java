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
    private Snapshots() {
    }

    static EngineSnapshot of(String server, ClientState state, Map<Long, Double> progress,
                             List<EngineSnapshot.TransferView> transfers, Instant nextRequest, String status) {
        Attachment a = state.attachment();
        List<EngineSnapshot.TaskView> tasks = new ArrayList<>();
        for (TaskRecord t : state.tasks()) {
            double p = switch (t.state()) {
                case DOWNLOADING, READY -> 0;
                case RUNNING -> progress.getOrDefault(t.resultId(), 0.0);
                default -> 1;
            };
            tasks.add(new EngineSnapshot.TaskView(t.resultId(), t.assignment().resultName(), t.assignment().app(),
                    t.state().name(), p, t.assignment().deadline(), t.state() == TaskState.RUNNING ? t.slot() : -1,
                    t.cpuSeconds(), t.outcome(), t.errorMessage()));
        }
        return new EngineSnapshot(server, a == null ? 0 : a.accountId(), a == null ? 0 : a.hostId(), tasks,
                transfers, nextRequest == null || nextRequest.equals(Instant.EPOCH) ? null : nextRequest, status);
    }
}

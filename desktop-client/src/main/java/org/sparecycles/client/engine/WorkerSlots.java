package org.sparecycles.client.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.state.TaskRecord;
import org.sparecycles.client.worker.Slot;
import org.sparecycles.client.worker.WorkerLauncher;
import org.sparecycles.client.worker.WorkerProcess;
import org.sparecycles.client.worker.WorkerTask;
import org.sparecycles.workunits.protocol.InputRef;

/** The slot directories {@code slots/<n>} and starting workers in them. Used from the engine thread only. */
final class WorkerSlots {
    private final Path root;
    private final ClientConfig config;
    private final WorkerLauncher launcher;
    private final InputCache cache;

    WorkerSlots(Path root, ClientConfig config, WorkerLauncher launcher, InputCache cache) {
        this.root = root;
        this.config = config;
        this.launcher = launcher;
        this.cache = cache;
    }

    Slot slot(int index) {
        return new Slot(index, root.resolve(Integer.toString(index)));
    }

    /** Kills workers left over from an earlier run of this client in any configured slot. */
    List<Integer> killStaleWorkers() {
        List<Integer> killed = new ArrayList<>();
        // held tasks keep their slots, so there may be more slot directories than cores
        for (int i = 0; i < config.cores() || java.nio.file.Files.isDirectory(root.resolve(Integer.toString(i))); i++) {
            if (WorkerLauncher.killStale(slot(i))) {
                killed.add(i);
            }
        }
        return killed;
    }

    /** Clears the slot, writes the task and starts a fresh worker. */
    WorkerProcess startFresh(TaskRecord task, int index, Duration checkpointInterval) throws IOException {
        Slot slot = slot(index);
        WorkerLauncher.killStale(slot);
        slot.clear();
        slot.writeTask(workerTask(task, checkpointInterval));
        return launcher.start(slot, task.assignment().memoryBoundBytes());
    }

    /** Files the slot's checkpoint holds for this task (0 without one). */
    int checkpointedFiles(TaskRecord task) throws IOException {
        return slot(task.slot()).readCheckpoint()
                .filter(c -> c.resultId() == task.resultId())
                .map(c -> c.files().size()).orElse(0);
    }

    /** Starts a worker again on the task in its slot; it resumes from the slot's checkpoint. */
    WorkerProcess resume(TaskRecord task, Duration checkpointInterval) throws IOException {
        Slot slot = slot(task.slot());
        WorkerLauncher.killStale(slot);
        Optional<WorkerTask> written = readTask(slot);
        if (written.isEmpty() || written.get().resultId() != task.resultId()) {
            slot.clear(); // someone else's files: the checkpoint cannot be ours
        }
        slot.writeTask(workerTask(task, checkpointInterval)); // rewritten so the worker follows this run's switches
        return launcher.start(slot, task.assignment().memoryBoundBytes());
    }

    private static Optional<WorkerTask> readTask(Slot slot) {
        try {
            return Optional.of(slot.readTask());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private WorkerTask workerTask(TaskRecord task, Duration checkpointInterval) {
        List<WorkerTask.Input> inputs = new ArrayList<>();
        for (InputRef in : task.assignment().inputs()) {
            inputs.add(new WorkerTask.Input(in.name(), cache.path(in.sha256()).toString()));
        }
        var a = task.assignment();
        return new WorkerTask(a.resultId(), a.resultName(), a.app(), a.appVersion(), a.parameters(), inputs,
                config.faultInjection().spelling(), config.taskDelay().toMillis(), checkpointInterval.toMillis());
    }
}

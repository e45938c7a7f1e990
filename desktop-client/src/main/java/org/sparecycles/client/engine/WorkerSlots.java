package org.sparecycles.client.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.state.TaskRecord;
import org.sparecycles.client.worker.ProcessMemory;
import org.sparecycles.client.worker.Slot;
import org.sparecycles.client.worker.WorkerLauncher;
import org.sparecycles.client.worker.WorkerProcess;
import org.sparecycles.client.worker.WorkerTask;
import org.sparecycles.workunits.protocol.InputRef;

/**
 * The slot directories {@code slots/<n>}, starting workers in them and the workers that finished a task and wait
 * for the slot's next one. Used from the engine thread only.
 */
final class WorkerSlots {
    /**
     * How long a worker that finished its task waits for the slot's next one before it is dismissed: long enough
     * for the next task's start, which usually follows at once; short enough not to hold a heap for nothing.
     */
    static final Duration IDLE_WORKER_GRACE = Duration.ofSeconds(5);

    private record Idle(WorkerProcess worker, Instant since) {
    }

    private final Map<Integer, Idle> idle = new HashMap<>();
    /** Workers dismissed without waiting for them, perhaps still exiting (a JVM's exit takes a while). */
    private final List<WorkerProcess> leaving = new ArrayList<>();
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

    /**
     * Clears the slot, writes the task and gives it to the slot's idle worker when that one has the heap the task
     * asks for; otherwise starts a fresh worker, running {@code beforeLaunch} first.
     */
    WorkerProcess startFresh(TaskRecord task, int index, Duration checkpointInterval, Runnable beforeLaunch)
            throws IOException {
        Slot slot = slot(index);
        Idle waiting = idle.remove(index);
        long heap = WorkerLauncher.heapMegabytes(task.assignment().memoryBoundBytes());
        if (waiting != null && waiting.worker().heapMegabytes() == heap && waiting.worker().isAlive()) {
            slot.writeTask(workerTask(task, checkpointInterval));
            if (waiting.worker().next()) {
                return waiting.worker();
            }
        }
        if (waiting != null) {
            waiting.worker().dismissAndWait(); // before killStale, which would kill it (its pid is the slot's)
        }
        WorkerLauncher.killStale(slot);
        slot.clear();
        slot.writeTask(workerTask(task, checkpointInterval));
        beforeLaunch.run();
        return launcher.start(slot, task.assignment().memoryBoundBytes());
    }

    /**
     * Keeps a worker that finished its task, alive and waiting, for the slot's next task; the caller has cleared the
     * slot's task files ({@link Slot#clearTaskFiles}). It is dismissed when none comes within
     * {@link #IDLE_WORKER_GRACE} (see {@link #dismissIdle}).
     */
    void keepIdle(int index, WorkerProcess worker, Instant now) {
        Idle before = idle.put(index, new Idle(worker, now));
        if (before != null && before.worker() != worker) {
            dismiss(before.worker());
        }
    }

    /** Dismisses idle workers waiting since {@link #IDLE_WORKER_GRACE} or longer, or every one when {@code all}. */
    void dismissIdle(Instant now, boolean all) {
        idle.values().removeIf(i -> {
            if (all || !now.isBefore(i.since().plus(IDLE_WORKER_GRACE)) || !i.worker().isAlive()) {
                dismiss(i.worker());
                return true;
            }
            return false;
        });
    }

    /** Dismisses a worker without waiting; {@link #dismissAllAndWait} waits for it if it is still exiting then. */
    void dismiss(WorkerProcess worker) {
        leaving.removeIf(w -> !w.isAlive());
        worker.dismiss();
        leaving.add(worker);
    }

    /** The workers waiting for their slot's next task, with their resident memory (else their heap) now. */
    List<RunPlanner.Idle> idle() {
        List<RunPlanner.Idle> out = new ArrayList<>();
        idle.forEach((slot, i) -> {
            if (i.worker().isAlive()) {
                long heap = i.worker().heapMegabytes();
                long bytes = ProcessMemory.residentBytes(i.worker().pid()).orElse(heap << 20);
                out.add(new RunPlanner.Idle(slot, heap, bytes));
            }
        });
        return out;
    }

    /** Dismisses the waiting workers of every slot but {@code kept}, and waits until they are gone. */
    void dismissIdleExcept(Collection<Integer> kept) {
        idle.entrySet().removeIf(e -> {
            if (kept.contains(e.getKey())) {
                return false;
            }
            e.getValue().worker().dismissAndWait();
            return true;
        });
    }

    /** Whether a worker waits for its slot's next task. */
    boolean anyWaiting() {
        return !idle.isEmpty();
    }

    /** Waits until the workers dismissed without waiting are gone (reaped, so their CPU is among ended children). */
    void awaitLeaving() {
        leaving.forEach(WorkerProcess::awaitGone);
        leaving.clear();
    }

    /** When the next idle worker is due to be dismissed, if one waits. */
    Optional<Instant> nextDismissal() {
        return idle.values().stream().map(i -> i.since().plus(IDLE_WORKER_GRACE)).min(Instant::compareTo);
    }

    /**
     * Dismisses every idle worker and waits until they and the workers dismissed before are gone: their CPU is then
     * among the client's ended children, which {@code cpu.json} reports.
     */
    void dismissAllAndWait() {
        idle.values().forEach(i -> i.worker().dismissAndWait());
        idle.clear();
        awaitLeaving();
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
        Idle waiting = idle.remove(task.slot());
        if (waiting != null) {
            waiting.worker().dismissAndWait();
        }
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

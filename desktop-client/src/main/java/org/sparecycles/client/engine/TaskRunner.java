package org.sparecycles.client.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.sparecycles.client.state.AtomicFiles;
import org.sparecycles.client.state.TaskRecord;
import org.sparecycles.client.state.TaskState;
import org.sparecycles.client.worker.ProcessMemory;
import org.sparecycles.client.worker.Slot;
import org.sparecycles.client.worker.WorkerLauncher;
import org.sparecycles.client.worker.WorkerOutcome;
import org.sparecycles.client.worker.WorkerProcess;

/**
 * Runs tasks in worker processes, one per slot: starts, continues, resumes and holds them as {@link RunPlanner}
 * decides, takes in what they computed when their task ends (a worker that succeeded waits a moment for its slot's
 * next task, see {@link WorkerSlots#keepIdle}), and gives tasks up. Keeps what the engine knows of its
 * workers beyond the task records: progress, seconds computed, memory used and why a task is held. Engine thread
 * only.
 */
final class TaskRunner {
    private final EngineState engine;
    private final WorkerSlots slots;
    private final Transfers transfers;
    private final CpuLedger cpu;
    private final Runnable tick;

    private final Map<Long, WorkerProcess> workers = new HashMap<>();
    private final Map<Long, Double> progress = new HashMap<>();
    private final Set<Long> paused = new HashSet<>();
    private final Set<Long> suspendedByYou = new HashSet<>();
    private final Map<Long, String> holds = new HashMap<>();
    private final Map<Long, Double> elapsed = new HashMap<>();
    private final Map<Long, Long> memory = new HashMap<>();
    private Instant holdSince = Instant.EPOCH;
    private Instant lastRefresh;

    TaskRunner(EngineState engine, WorkerSlots slots, Transfers transfers, CpuLedger cpu, Runnable tick) {
        this.engine = engine;
        this.slots = slots;
        this.transfers = transfers;
        this.cpu = cpu;
        this.tick = tick;
    }

    void killStaleWorkers() {
        List<Integer> killed = slots.killStaleWorkers();
        if (!killed.isEmpty()) {
            engine.events().add("client", "stopped stale workers in slots " + killed);
        }
    }

    /** True when some worker computes, that is, is not stopped in place. */
    boolean computing() {
        return workers.size() > paused.size();
    }

    Snapshots.Running running() {
        return new Snapshots.Running(progress, elapsed, holds);
    }

    double progress(long resultId) {
        return progress.getOrDefault(resultId, 0.0);
    }

    /** A hold began: tasks that pause after a checkpoint wait for one written after {@code now}. */
    void holdStarted(Instant now) {
        holdSince = now;
    }

    /** Holds a queued task until {@link #unsuspend}; false when it is not queued or already held so. */
    boolean suspend(long resultId) {
        return engine.state().task(resultId).map(t -> t.state().isQueued()).orElse(false)
                && suspendedByYou.add(resultId);
    }

    boolean unsuspend(long resultId) {
        return suspendedByYou.remove(resultId);
    }

    /** Starts, continues, resumes or holds tasks as {@link RunPlanner} decides. */
    void run(Instant now) {
        failOverdue(now);
        List<TaskRecord> tasks = engine.state().tasks();
        List<TaskRecord> running = tasks.stream().filter(t -> t.state() == TaskState.RUNNING).toList();
        List<TaskRecord> ready = tasks.stream().filter(t -> t.state() == TaskState.READY).toList();
        RunPlanner.Plan plan = RunPlanner.plan(running, ready, suspendedByYou, engine.settings(), this::memoryOf,
                TaskRunner::heapMegabytes, slots.idle());
        if (plan.dismissIdle()) {
            slots.dismissIdleExcept(plan.reuse().values()); // their memory would take the tasks over the limit
        }
        holds.clear();
        holds.putAll(plan.held());
        for (TaskRecord t : running) {
            long id = t.resultId();
            WorkerProcess w = workers.get(id);
            if (plan.run().contains(id)) {
                if (w == null) {
                    resume(t);
                } else if (paused.remove(id)) {
                    w.proceed();
                }
            } else if (w != null && !paused.contains(id)) {
                hold(t, w);
            }
        }
        for (TaskRecord t : plan.start()) {
            Integer reused = plan.reuse().get(t.resultId());
            int slot = reused != null ? reused : freeSlot(plan.reuse().values());
            engine.update(st -> st.updateTask(t.resultId(), r -> r.running(slot)));
            try {
                WorkerProcess w = slots.startFresh(t, slot, engine.settings().checkpointInterval(),
                        cpu::workerStarting);
                watch(t.resultId(), w);
                engine.log("started result " + t.resultId() + " (" + t.assignment().resultName() + ") in slot "
                        + slot + (w.tasksGiven() > 1 ? " by the worker of the task before" : ""));
            } catch (IOException e) {
                failTask(t.resultId(), "cannot start worker: " + e.getMessage());
            }
        }
        // a worker that finished its task waits a moment for the slot's next one; none while computing is held
        slots.dismissIdle(now, !engine.settings().computingAllowed()
                || plan.run().isEmpty() && plan.start().isEmpty() && !plan.held().isEmpty());
    }

    /**
     * Whether every worker is gone (none computing, stopped in place, waiting for its slot's next task or exiting)
     * and some worker has started or ended a task since {@link CpuLedger#write} last ran: the moment to write
     * {@code cpu.json} again, its workers' CPU then being whole. Waits for workers dismissed a moment ago to exit
     * (a JVM's exit, at most a few tenths of a second); the client then has nothing to compute, so nothing waits.
     */
    boolean allWorkersGoneSinceLedgerWritten() {
        if (!workers.isEmpty() || slots.anyWaiting() || !cpu.changedSinceWritten()) {
            return false;
        }
        slots.awaitLeaving();
        return true;
    }

    /** When a worker waiting for its slot's next task is due to be dismissed, if one waits. */
    Optional<Instant> nextIdleDismissal() {
        return slots.nextDismissal();
    }

    private void failOverdue(Instant now) {
        for (TaskRecord t : engine.state().tasks()) {
            Instant deadline = t.localDeadline(); // the server's deadline, on our clock
            if (t.state() == TaskState.READY && deadline != null && now.isAfter(deadline)) {
                engine.log("deadline passed before start for result " + t.resultId()
                        + "; reporting it as a client error");
                engine.update(st -> st.updateTask(t.resultId(),
                        r -> r.failed("deadline passed before the task started", 0, 0)));
            }
        }
    }

    /** Memory a task uses: its worker's resident set when measured, else what its work unit may use. */
    private long memoryOf(TaskRecord t) {
        Long measured = memory.get(t.resultId());
        return measured != null ? measured : heapMegabytes(t) << 20;
    }

    /** The heap, in MiB, the task's worker is started with. */
    private static long heapMegabytes(TaskRecord t) {
        return WorkerLauncher.heapMegabytes(t.assignment().memoryBoundBytes());
    }

    /** Stops a running task's worker in place, or (pause after checkpoint, or no signals) once it checkpointed. */
    private void hold(TaskRecord t, WorkerProcess w) {
        long id = t.resultId();
        if (holds.getOrDefault(id, "").startsWith(RunPlanner.WAITING_FOR_MEMORY)) {
            stopWorker(id); // a stopped-in-place worker keeps its memory; this one resumes from its checkpoint
            engine.log("task " + id + " stopped: " + holds.get(id));
            return;
        }
        boolean afterCheckpoint = engine.settings().pauseAfterCheckpoint() && !suspendedByYou.contains(id);
        if (afterCheckpoint) {
            if (!checkpointedSince(t, holdSince)) {
                holds.put(id, "pausing after its next checkpoint");
                return;
            }
            stopWorker(id);
            engine.log("task " + id + " paused after its checkpoint");
        } else if (w.pause()) {
            paused.add(id);
        } else {
            stopWorker(id); // no signals on this OS: it resumes from its checkpoint
        }
    }

    private boolean checkpointedSince(TaskRecord t, Instant since) {
        Slot slot = slots.slot(t.slot());
        try {
            return Files.isRegularFile(slot.resultFile())
                    || Files.getLastModifiedTime(slot.checkpointFile()).toInstant().isAfter(since);
        } catch (IOException e) {
            return false; // no checkpoint yet
        }
    }

    /** Stops a worker on purpose (its exit is then ignored); the task stays RUNNING and resumes later. */
    private void stopWorker(long id) {
        WorkerProcess w = workers.remove(id);
        paused.remove(id);
        if (w != null) {
            w.stop();
        }
    }

    /**
     * Stops every worker on purpose (their tasks resume from their checkpoints at the next start) and dismisses the
     * idle ones, waiting until they are gone; how many were stopped (idle ones not counted).
     */
    int stopAll() {
        slots.dismissAllAndWait();
        int stopped = 0;
        for (WorkerProcess w : workers.values()) {
            w.stop();
            stopped++;
        }
        paused.clear();
        workers.clear();
        return stopped;
    }

    private void resume(TaskRecord t) {
        try {
            Slot slot = slots.slot(t.slot());
            var outcome = slot.readOutcome().filter(o -> o.resultId() == t.resultId());
            if (outcome.isPresent() && (Files.isRegularFile(slot.outputFile())
                    || movedOutput(t.resultId(), outcome.get()))) {
                engine.log("result " + t.resultId() + " had finished before the restart");
                computed(t.resultId(), slot, outcome.get());
                return;
            }
            int k = slots.checkpointedFiles(t);
            cpu.workerStarting();
            WorkerProcess w = slots.resume(t, engine.settings().checkpointInterval());
            watch(t.resultId(), w);
            engine.log("resumed result " + t.resultId() + " from checkpoint after " + k + " of "
                    + t.assignment().inputs().size() + " files");
        } catch (IOException e) {
            failTask(t.resultId(), "cannot resume worker: " + e.getMessage());
        }
    }

    /**
     * The lowest slot no running task holds (held tasks keep theirs, so there may be more slots than cores), other
     * than those {@code reserved} for tasks given a waiting worker.
     */
    private int freeSlot(Collection<Integer> reserved) {
        Set<Integer> used = engine.state().tasks().stream().filter(t -> t.state() == TaskState.RUNNING)
                .map(TaskRecord::slot).collect(Collectors.toSet());
        int i = 0;
        while (used.contains(i) || reserved.contains(i)) {
            i++;
        }
        return i;
    }

    private void watch(long resultId, WorkerProcess w) {
        workers.put(resultId, w);
        progress.put(resultId, 0.0);
        w.task().thenAccept(code -> engine.loop().post(() -> taskEnded(resultId, w, code)));
    }

    /** The worker's task ended: it is done ({@code code} 0, and the worker waits for another) or the worker exited. */
    private void taskEnded(long resultId, WorkerProcess w, int code) {
        if (workers.get(resultId) != w) {
            return; // stopped on purpose (shutdown, cancel)
        }
        workers.remove(resultId);
        if (paused.remove(resultId)) {
            w.proceed(); // stopped in place just after its task was done: continued, it can be given or dismissed
        }
        TaskRecord t = engine.state().task(resultId).orElse(null);
        if (t == null || t.state() != TaskState.RUNNING || engine.stopping()) {
            slots.dismiss(w);
            return;
        }
        Slot slot = slots.slot(t.slot());
        try {
            var outcome = slot.readOutcome().filter(o -> o.resultId() == resultId);
            if (code == 0 && outcome.isPresent()) {
                cpu.computed(outcome.get()); // only workers of this run: their CPU is among this process's children
                computed(resultId, slot, outcome.get());
                if (w.isAlive()) {
                    slots.keepIdle(t.slot(), w, engine.clock().instant());
                }
            } else {
                slots.dismiss(w);
                String message = code == 0 ? "worker exited without a result" : slot.readError();
                engine.log("task " + resultId + " failed: " + message);
                failTask(resultId, message);
            }
        } catch (IOException e) {
            slots.dismiss(w);
            failTask(resultId, "cannot read worker result: " + e.getMessage());
        }
        tick.run();
    }

    /**
     * The worker's output is moved out of the slot, not copied (a rename; the worker forced it to disk). A crash
     * between that move and the state save leaves the output among the outputs and the slot without it.
     */
    private void computed(long resultId, Slot slot, WorkerOutcome o) throws IOException {
        if (Files.exists(slot.outputFile()) || !movedOutput(resultId, o)) {
            AtomicFiles.moveDurably(slot.outputFile(), engine.output(resultId));
        }
        engine.update(st -> st.updateTask(resultId, r -> r.computed(o.outputSha256(), o.outputSize(),
                o.cpuSeconds(), o.elapsedSeconds())));
        forget(resultId);
        engine.log(String.format(Locale.ROOT, "task %d finished in %.1f s (cpu %.1f s)", resultId,
                o.elapsedSeconds(), o.cpuSeconds()));
        slot.clearTaskFiles(); // the worker's log and pid stay: it may serve the slot's next task
    }

    private boolean movedOutput(long resultId, WorkerOutcome o) throws IOException {
        Path output = engine.output(resultId);
        return Files.isRegularFile(output) && Files.size(output) == o.outputSize();
    }

    void failTask(long resultId, String message) {
        forget(resultId);
        engine.update(st -> st.updateTask(resultId, r -> r.failed(message, r.cpuSeconds(), r.elapsedSeconds())));
    }

    /** Stops and fails one unfinished task; false when there is nothing to give up. */
    boolean giveUp(long resultId, String logged, String reported) {
        if (!drop(resultId)) {
            return false;
        }
        engine.log("task " + resultId + " " + logged);
        failTask(resultId, reported);
        return true;
    }

    /** The server cancelled the result: drops the unfinished task without reporting it. */
    void cancel(long id) {
        if (!drop(id)) {
            return;
        }
        forget(id);
        engine.update(st -> st.updateTask(id, r -> r.moveTo(TaskState.ABORTED)));
        engine.log("result " + id + " cancelled by the server");
    }

    /**
     * Stops an unfinished task's worker (one stopped in place too, which would otherwise still count as paused)
     * and drops its slot, transfers, suspension and output; false when the task is not unfinished.
     */
    private boolean drop(long id) {
        TaskRecord t = unfinished(id);
        if (t == null) {
            return false;
        }
        stopWorker(id);
        clearSlot(t);
        transfers.done(id);
        suspendedByYou.remove(id);
        engine.deleteOutput(id);
        return true;
    }

    /** Forgets what was tracked of a task that computes no more. */
    private void forget(long id) {
        progress.remove(id);
        memory.remove(id);
        elapsed.remove(id);
    }

    /** The task while it is unfinished and not computed yet; null otherwise. */
    private TaskRecord unfinished(long id) {
        return engine.state().task(id)
                .filter(t -> t.state().isActive() && t.state() != TaskState.READY_TO_REPORT).orElse(null);
    }

    private void clearSlot(TaskRecord t) {
        if (t.state() == TaskState.RUNNING && t.slot() >= 0) {
            try {
                slots.slot(t.slot()).clear();
            } catch (IOException e) {
                // cleared again before the slot is reused
            }
        }
    }

    /** Reads the progress and memory of computing workers and adds the time since the last refresh to them. */
    void refresh(Instant now) {
        Duration interval = engine.config().progressRefresh();
        double seconds = lastRefresh == null ? 0 : Math.min(2.0 * interval.toMillis() / 1000.0,
                Math.max(0, Duration.between(lastRefresh, now).toMillis() / 1000.0)); // no gap while nothing ran
        lastRefresh = now;
        for (TaskRecord t : engine.state().tasks()) {
            long id = t.resultId();
            if (t.state() == TaskState.RUNNING && workers.containsKey(id) && !paused.contains(id)) {
                progress.put(id, slots.slot(t.slot()).readProgress());
                ProcessMemory.residentBytes(workers.get(id).pid()).ifPresent(b -> memory.put(id, b));
                elapsed.merge(id, seconds, Double::sum);
            }
        }
    }
}

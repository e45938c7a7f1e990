package org.sparecycles.client.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.events.EventLog;
import org.sparecycles.client.net.Backoff;
import org.sparecycles.client.net.ServerApi;
import org.sparecycles.client.state.Attachment;
import org.sparecycles.client.state.ClientState;
import org.sparecycles.client.state.DataDirLock;
import org.sparecycles.client.state.StateStore;
import org.sparecycles.client.state.TaskRecord;
import org.sparecycles.client.state.TaskState;
import org.sparecycles.client.worker.WorkerLauncher;

/**
 * The headless client engine: attaches to a server, keeps a small buffer of tasks, downloads inputs, runs each
 * task in a worker process per slot, uploads outputs and reports results, persisting its state after every
 * change that matters so a killed client resumes where it was.
 *
 * <p>Threading: all state lives on one engine thread (a single-thread scheduler); network calls run on a small
 * I/O pool and hand their results back to the engine thread; workers are separate processes. Observers get
 * {@link EngineSnapshot}s and {@link org.sparecycles.client.events.ClientEvent}s on the engine thread. Idle, the
 * engine only has a timer pending: no polling loop.
 */
public final class ClientEngine implements AutoCloseable {
    /** Reported in host registration. */
    public static final String CLIENT_VERSION = Objects.requireNonNullElse(
            ClientEngine.class.getPackage().getImplementationVersion(), "dev");

    private final ClientConfig config;
    private final EventLog events;
    private final DataDirLock lock;
    private final EngineLoop loop;
    private final EngineState engine;
    private final Transfers transfers;
    private final CpuLedger cpu = new CpuLedger();
    private final TaskRunner runner;
    private final TransferRunner transferRunner;
    private final AttachFlow attach;
    private final SchedulerRpc rpc;
    private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    // engine-thread state
    private boolean started;
    private ScheduledFuture<?> wake;
    private volatile EngineSnapshot snapshot;

    private ClientEngine(ClientConfig config, Clock clock, EventLog events, DataDirLock lock, ClientState state)
            throws IOException {
        this.config = config;
        this.events = events;
        this.lock = lock;
        Path dir = config.dataDir();
        StateStore store = new StateStore(dir.resolve("state.json"), clock);
        ServerApi api = new ServerApi(config.server());
        InputCache cache = new InputCache(dir.resolve("cache"), api);
        WorkerSlots slots = new WorkerSlots(dir.resolve("slots"), config,
                new WorkerLauncher(Files.createDirectories(dir.resolve("slots"))), cache);
        Path outputs = Files.createDirectories(dir.resolve("outputs"));
        Backoff backoff = new Backoff(config.backoffBase(), config.backoffMax());
        this.loop = new EngineLoop(e -> events.add("client", "internal error: " + e));
        this.transfers = new Transfers(backoff);
        EngineSettings all = EngineSettings.unrestricted(config.cores(), config.minBuffer(), config.extraTasks());
        EngineSettings settings = new EngineSettings(all.maxRunning(), null, false, false, all.minBuffer(),
                all.extraTasks(), all.projects(), 0, config.checkpointInterval());
        this.engine = new EngineState(config, clock, events, loop, store, outputs, state, settings);
        this.runner = new TaskRunner(engine, slots, transfers, cpu, this::tick);
        this.transferRunner = new TransferRunner(engine, api, cache, transfers, runner, this::tick);
        ServerBackoff failures = new ServerBackoff(backoff);
        this.attach = new AttachFlow(engine, api, failures, cpu, this::fatal, this::tick);
        this.rpc = new SchedulerRpc(engine, api, cache, failures, runner, attach, this::tick);
        this.snapshot = Snapshots.of(config.serverText(), state, new Snapshots.Running(Map.of(), Map.of(), Map.of()),
                List.of(), Map.of(), null, "starting", null);
    }

    /**
     * Locks the data directory and loads the saved state.
     *
     * @throws IllegalStateException when another client uses the directory, or it is attached to another
     *                               server or account
     */
    public static ClientEngine open(ClientConfig config, Clock clock, EventLog events) throws IOException {
        DataDirLock lock = DataDirLock.acquire(config.dataDir());
        try {
            StateStore.Loaded loaded = new StateStore(config.dataDir().resolve("state.json"), clock).load();
            loaded.notes().forEach(n -> events.add("client", n));
            Attachment a = loaded.state().attachment();
            if (a != null && (!a.serverUrl().equals(config.serverText()) || !a.email().equals(config.email()))) {
                throw new IllegalStateException("data directory " + config.dataDir() + " is attached to "
                        + a.serverUrl() + " as " + a.email() + "; use another --data-dir for " + config.serverText()
                        + " as " + config.email());
            }
            return new ClientEngine(config, clock, events, lock, loaded.state());
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Starts attaching (or resuming) and computing; returns at once. */
    public void start() {
        loop.post(this::startUp);
    }

    /**
     * Completes when the engine has stopped: normally after {@link #close()}, exceptionally with an
     * {@link EngineFailedException} when it gave up on its own (a refused attach step, a changed project key).
     */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    public EventLog events() {
        return events;
    }

    /** The latest snapshot; never null. */
    public EngineSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Changes what the engine may do (see {@link EngineSettings}); applied at once: held tasks are stopped in place
     * (or, with {@code pauseAfterCheckpoint}, after their next checkpoint), allowed ones continue.
     */
    public void apply(EngineSettings next) {
        Objects.requireNonNull(next, "settings");
        loop.post(() -> {
            EngineSettings settings = engine.settings();
            if (next.equals(settings)) {
                return;
            }
            if (settings.hold() == null && next.hold() != null
                    || !settings.pauseAfterCheckpoint() && next.pauseAfterCheckpoint()) {
                runner.holdStarted(engine.clock().instant());
            }
            engine.settings(next);
            tick();
        });
    }

    /** The settings last applied. */
    public EngineSettings settings() {
        return engine.settings();
    }

    /** Holds one task (running or ready) until {@link #resumeTask}; its worker is stopped in place. */
    public void suspendTask(long resultId) {
        loop.post(() -> {
            if (runner.suspend(resultId)) {
                engine.log("task " + resultId + " suspended by you");
                tick();
            }
        });
    }

    public void resumeTask(long resultId) {
        loop.post(() -> {
            if (runner.unsuspend(resultId)) {
                engine.log("task " + resultId + " resumed by you");
                tick();
            }
        });
    }

    /** Gives a task up: its worker is stopped and the server told (a client error, so it sends a replica). */
    public void abortTask(long resultId) {
        loop.post(() -> {
            if (runner.giveUp(resultId, "aborted by you", "aborted by the volunteer")) {
                tick();
            }
        });
    }

    /**
     * Before a detach: gives up every unfinished task (a client error: "the volunteer detached") and reports
     * them, with results computed but not reported yet, in one last scheduler request that asks for no work, so
     * the server can send replicas at once instead of after the deadlines. Completes when the server acknowledged
     * the reports (at once when there are none); exceptionally when it cannot be reached or refuses them. Close
     * the engine afterwards either way.
     */
    public CompletableFuture<Integer> giveUpAndReport() {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        loop.post(() -> {
            int n = 0;
            for (TaskRecord t : engine.state().tasks()) {
                if (runner.giveUp(t.resultId(), "given up (detaching)", "the volunteer detached from the project")) {
                    n++;
                }
            }
            ClientState state = engine.state();
            if (state.attachment() == null || !state.attachment().isRegistered()
                    || state.tasks().stream().noneMatch(t -> t.state() == TaskState.READY_TO_REPORT)) {
                done.complete(0);
                return;
            }
            EngineSettings settings = engine.settings();
            engine.settings(new EngineSettings(0, "detaching", false, true, settings.minBuffer(), 0,
                    settings.projects()));
            rpc.reportLast(done);
            engine.log("detaching: reporting " + n + " unfinished tasks as given up");
            tick();
        });
        return done;
    }

    /** Contacts the server now (reports, and asks for work if some is wanted), ignoring waits and backoff. */
    public void updateNow() {
        loop.post(() -> {
            rpc.contactNow();
            tick();
        });
    }

    /** Retries every transfer that waits after a failure, now. */
    public void retryTransfers() {
        loop.post(() -> {
            transfers.retryNow();
            tick();
        });
    }

    /** Adds an observer; run the returned handle to remove it. */
    public Runnable addListener(EngineListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    /**
     * Stops workers (they resume from their checkpoints at the next start), saves the state and releases the data
     * directory. Blocks until done; safe to call twice and from a shutdown hook.
     */
    @Override
    public void close() {
        loop.shutDownAfter(this::shutDown, Duration.ofSeconds(30));
        try {
            lock.close();
        } catch (IOException e) {
            // the OS releases the lock with the process anyway
        }
        terminated.complete(null);
    }

    // ---------------------------------------------------------------- start, shut down

    private void startUp() {
        started = true;
        runner.killStaleWorkers();
        attach.start();
    }

    private void shutDown() {
        if (engine.stopping()) {
            return;
        }
        engine.markStopping();
        if (wake != null) {
            wake.cancel(false);
        }
        int stopped = runner.stopAll();
        engine.save();
        writeCpuLedger();
        events.add("client", "stopped" + (stopped > 0 ? "; " + stopped + " running tasks resume from their"
                + " checkpoints at the next start" : ""));
    }

    private void writeCpuLedger() {
        try {
            cpu.write(config.dataDir());
        } catch (IOException e) {
            events.add("client", "cannot write " + CpuLedger.FILE + ": " + e.getMessage());
        }
    }

    private void fatal(String message, Throwable cause) {
        engine.log("fatal: " + message);
        engine.markStopping();
        runner.stopAll();
        engine.save();
        terminated.completeExceptionally(new EngineFailedException(message, cause));
    }

    // ---------------------------------------------------------------- the main step

    /** Does everything that can be done now, then sets the timer for the next thing. Engine thread only. */
    private void tick() {
        if (engine.stopping() || !started || attach.inProgress() || engine.state().attachment() == null) {
            publish();
            return;
        }
        Instant now = engine.clock().instant();
        transferRunner.startDue(now);
        runner.run(now);
        if (runner.allWorkersGoneSinceLedgerWritten()) {
            writeCpuLedger();
        }
        rpc.maybeRequest(now);
        scheduleWake(now);
        publish();
    }

    private void scheduleWake(Instant now) {
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
        Instant at = rpc.due(now);
        Optional<Instant> retry = transfers.nextRetry();
        if (retry.isPresent()) {
            at = earlier(at, retry.get());
        }
        if (runner.computing()) {
            at = earlier(at, now.plus(config.progressRefresh()));
        }
        Optional<Instant> dismissal = runner.nextIdleDismissal();
        if (dismissal.isPresent()) {
            at = earlier(at, dismissal.get());
        }
        if (at != null) {
            long ms = Math.max(10, Duration.between(now, at).toMillis());
            wake = loop.schedule(this::refreshAndTick, Duration.ofMillis(ms));
        }
    }

    private void refreshAndTick() {
        runner.refresh(engine.clock().instant());
        tick();
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private void publish() {
        EngineSnapshot s = Snapshots.of(config.serverText(), engine.state(), runner.running(), transfers.views(),
                transfers.retries(), rpc.nextWorkRequest(), status(), engine.settings().hold());
        snapshot = s;
        for (EngineListener l : listeners) {
            try {
                l.changed(s);
            } catch (RuntimeException e) {
                // an observer's bug must not stop the engine
            }
        }
    }

    private String status() {
        if (engine.stopping()) {
            return "stopped";
        }
        if (attach.inProgress()) {
            return "attaching";
        }
        if (rpc.backingOff(engine.clock().instant())) {
            return "backing off";
        }
        if (engine.settings().hold() != null) {
            return "suspended: " + engine.settings().hold();
        }
        return runner.computing() ? "computing" : "idle";
    }
}

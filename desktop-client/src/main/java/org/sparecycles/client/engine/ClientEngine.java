package org.sparecycles.client.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.events.EventLog;
import org.sparecycles.client.net.ApiException;
import org.sparecycles.client.net.Backoff;
import org.sparecycles.client.net.Failures;
import org.sparecycles.client.net.ServerApi;
import org.sparecycles.client.state.Attachment;
import org.sparecycles.client.state.ClientState;
import org.sparecycles.client.state.DataDirLock;
import org.sparecycles.client.state.StateStore;
import org.sparecycles.client.state.TaskRecord;
import org.sparecycles.client.state.TaskState;
import org.sparecycles.client.worker.Slot;
import org.sparecycles.client.worker.WorkerLauncher;
import org.sparecycles.client.worker.ProcessMemory;
import org.sparecycles.client.worker.WorkerOutcome;
import org.sparecycles.client.worker.WorkerProcess;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.HostRegistration;
import org.sparecycles.workunits.protocol.InputRef;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;
import org.sparecycles.workunits.signing.AssignmentSignatures;
import org.sparecycles.workunits.signing.ProjectKey;
import org.sparecycles.workunits.signing.SignatureException;

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
    private final Clock clock;
    private final EventLog events;
    private final DataDirLock lock;
    private final StateStore store;
    private final ServerApi api;
    private final InputCache cache;
    private final WorkerSlots slots;
    private final Path outputs;
    private final String source;
    private final Backoff backoff;

    private final EngineLoop loop;
    private final Transfers transfers;
    private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    // engine-thread state
    private ClientState state;
    private final Map<Long, WorkerProcess> workers = new HashMap<>();
    private final Map<Long, Double> progress = new HashMap<>();
    private boolean started;
    private boolean stopping;
    private boolean attaching;
    private boolean rpcInFlight;
    private int rpcFailures;
    private int refusedReports;
    private Instant backoffUntil = Instant.EPOCH;
    private Instant nextWorkRequest = Instant.EPOCH;
    private double taskSeconds = WorkFetchPolicy.DEFAULT_TASK_SECONDS;
    private List<String> lastServerMessages = List.of();
    private ScheduledFuture<?> wake;
    private volatile EngineSnapshot snapshot;
    private EngineSettings settings;
    private Instant holdSince = Instant.EPOCH;
    private final Set<Long> paused = new HashSet<>();
    private final Set<Long> suspendedByYou = new HashSet<>();
    private final Map<Long, String> holds = new HashMap<>();
    private final Map<Long, Double> elapsed = new HashMap<>();
    private final Map<Long, Long> memory = new HashMap<>();
    private Instant lastRefresh;
    private ProjectKey projectKey;
    private CompletableFuture<Integer> lastReports;
    private final CpuLedger cpu = new CpuLedger();

    private ClientEngine(ClientConfig config, Clock clock, EventLog events, DataDirLock lock, ClientState state)
            throws IOException {
        this.config = config;
        this.clock = clock;
        this.events = events;
        this.lock = lock;
        this.state = state;
        Path dir = config.dataDir();
        this.store = new StateStore(dir.resolve("state.json"), clock);
        this.api = new ServerApi(config.server());
        this.cache = new InputCache(dir.resolve("cache"), api);
        this.slots = new WorkerSlots(dir.resolve("slots"), config,
                new WorkerLauncher(Files.createDirectories(dir.resolve("slots"))), cache);
        this.outputs = Files.createDirectories(dir.resolve("outputs"));
        this.source = config.serverText();
        this.backoff = new Backoff(config.backoffBase(), config.backoffMax());
        this.loop = new EngineLoop(e -> events.add("client", "internal error: " + e));
        this.transfers = new Transfers(backoff);
        EngineSettings all = EngineSettings.unrestricted(config.cores(), config.minBuffer(), config.extraTasks());
        this.settings = new EngineSettings(all.maxRunning(), null, false, false, all.minBuffer(), all.extraTasks(),
                all.projects(), 0, config.checkpointInterval());
        this.snapshot = Snapshots.of(source, state, new Snapshots.Running(Map.of(), Map.of(), Map.of()), List.of(),
                Map.of(), null, "starting", null);
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

    /** Completes when the engine has stopped: normally after {@link #close()}, exceptionally on a fatal error. */
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
            if (next.equals(settings)) {
                return;
            }
            if (settings.hold() == null && next.hold() != null
                    || !settings.pauseAfterCheckpoint() && next.pauseAfterCheckpoint()) {
                holdSince = clock.instant();
            }
            settings = next;
            tick();
        });
    }

    /** The settings last applied. */
    public EngineSettings settings() {
        return settings;
    }

    /** Holds one task (running or ready) until {@link #resumeTask}; its worker is stopped in place. */
    public void suspendTask(long resultId) {
        loop.post(() -> {
            if (state.task(resultId).map(t -> t.state().isQueued()).orElse(false) && suspendedByYou.add(resultId)) {
                events.add(source, "task " + resultId + " suspended by you");
                tick();
            }
        });
    }

    public void resumeTask(long resultId) {
        loop.post(() -> {
            if (suspendedByYou.remove(resultId)) {
                events.add(source, "task " + resultId + " resumed by you");
                tick();
            }
        });
    }

    /** Gives a task up: its worker is stopped and the server told (a client error, so it sends a replica). */
    public void abortTask(long resultId) {
        loop.post(() -> {
            if (giveUp(resultId, "aborted by you", "aborted by the volunteer")) {
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
            for (TaskRecord t : state.tasks()) {
                if (giveUp(t.resultId(), "given up (detaching)", "the volunteer detached from the project")) {
                    n++;
                }
            }
            if (state.attachment() == null || !state.attachment().isRegistered()
                    || state.tasks().stream().noneMatch(t -> t.state() == TaskState.READY_TO_REPORT)) {
                done.complete(0);
                return;
            }
            settings = new EngineSettings(0, "detaching", false, true, settings.minBuffer(), 0, settings.projects());
            lastReports = done;
            backoffUntil = Instant.EPOCH;
            events.add(source, "detaching: reporting " + n + " unfinished tasks as given up");
            tick();
        });
        return done;
    }

    /** Stops and fails one unfinished task; false when there is nothing to give up. Engine thread. */
    private boolean giveUp(long resultId, String logged, String reported) {
        TaskRecord t = state.task(resultId).orElse(null);
        if (t == null || !t.state().isActive() || t.state() == TaskState.READY_TO_REPORT) {
            return false;
        }
        stopWorker(resultId);
        if (t.state() == TaskState.RUNNING && t.slot() >= 0) {
            try {
                slots.slot(t.slot()).clear();
            } catch (IOException e) {
                // cleared again before the slot is reused
            }
        }
        transfers.done(resultId);
        suspendedByYou.remove(resultId);
        deleteQuietly(outputs.resolve(resultId + ".json"));
        events.add(source, "task " + resultId + " " + logged);
        failTask(resultId, reported);
        return true;
    }

    /** Contacts the server now (reports, and asks for work if some is wanted), ignoring waits and backoff. */
    public void updateNow() {
        loop.post(() -> {
            nextWorkRequest = Instant.EPOCH;
            backoffUntil = Instant.EPOCH;
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

    // ---------------------------------------------------------------- start, attach, shut down

    private void startUp() {
        started = true;
        List<Integer> killed = slots.killStaleWorkers();
        if (!killed.isEmpty()) {
            events.add("client", "stopped stale workers in slots " + killed);
        }
        Attachment a = state.attachment();
        if (a == null) {
            attach();
        } else {
            api.authenticate(a.authenticator());
            events.add(source, "attached to " + a.serverUrl() + " as account " + a.accountId() + " (saved)");
            if (a.projectKey() == null) {
                pinProjectKey();
            } else if (a.isRegistered()) {
                events.add(source, "host " + a.hostId() + " (saved)");
                cpu.registered();
                tick();
            } else {
                register();
            }
        }
    }

    private void attach() {
        attaching = true;
        publish();
        Attacher attacher = new Attacher(config, api);
        attachStep("attach", () -> new Pinned(attacher.accountSession(), attacher.projectKey()), pinned -> {
            var s = pinned.session().session();
            events.add(source, (pinned.session().created() ? "created account " : "logged in as ") + s.email());
            ProjectKey before = pinnedKey();
            if (before != null && !before.equals(pinned.key())) {
                fatal("the server's project key changed from " + before.fingerprint() + " to "
                        + pinned.key().fingerprint() + "; refusing to trust it (detach and attach again to accept it)");
                return;
            }
            api.authenticate(s.authenticator());
            projectKey = pinned.key();
            Attachment earlier = state.attachment();
            // logged in again to the same account (the server had refused the authenticator): keep the host, so
            // the tasks it holds can still be reported; a 404 from the scheduler registers it again if need be
            boolean keepHost = earlier != null && earlier.accountId() == s.accountId() && earlier.isRegistered();
            update(st -> st.withAttachment(new Attachment(config.serverText(), s.accountId(), config.email(),
                    s.authenticator(), keepHost ? earlier.hostId() : 0, keepHost ? earlier.benchmarkGflops() : 0,
                    pinned.key().encoded())));
            events.add(source, "attached to " + config.serverText() + " as account " + s.accountId());
            events.add(source, "pinned project key " + pinned.key().fingerprint());
            if (keepHost) {
                events.add(source, "host " + earlier.hostId() + " (kept)");
                cpu.registered();
                attaching = false;
                tick();
            } else {
                register();
            }
        }, this::attach);
    }

    /** Pins the project key of an attachment saved before keys were pinned (or made by the desktop app). */
    private void pinProjectKey() {
        attaching = true;
        Attacher attacher = new Attacher(config, api);
        attachStep("pin project key", attacher::projectKey, key -> {
            projectKey = key;
            update(st -> st.withAttachment(st.attachment().withProjectKey(key.encoded())));
            events.add(source, "pinned project key " + key.fingerprint());
            if (state.attachment().isRegistered()) {
                cpu.registered();
                attaching = false;
                tick();
            } else {
                register();
            }
        }, this::pinProjectKey);
    }

    /** The pinned key of the attachment; null while none is pinned. */
    private ProjectKey pinnedKey() {
        if (projectKey == null && state.attachment() != null && state.attachment().projectKey() != null) {
            try {
                projectKey = ProjectKey.parse(state.attachment().projectKey());
            } catch (SignatureException e) {
                events.add(source, "the saved project key is unreadable (" + e.getMessage() + "); pinning again");
                update(st -> st.withAttachment(st.attachment().withProjectKey(null)));
            }
        }
        return projectKey;
    }

    /** True when the assignment is signed with the pinned key; otherwise logs why it is refused. */
    private boolean acceptable(Assignment a) {
        ProjectKey key = pinnedKey();
        try {
            if (key == null) {
                throw new SignatureException("no project key is pinned");
            }
            AssignmentSignatures.verify(key, a);
            return true;
        } catch (SignatureException e) {
            events.add(source, "refused task " + a.resultId() + " (" + a.resultName() + "): " + e.getMessage());
            return false;
        }
    }

    private void register() {
        attaching = true;
        Attacher attacher = new Attacher(config, api);
        attachStep("register host", () -> {
            HostRegistration registration = attacher.measureHost(CLIENT_VERSION);
            return new Registered(registration, api.registerHost(registration).hostId());
        }, registered -> {
            HostRegistration registration = registered.registration();
            long hostId = registered.hostId();
            update(st -> st.withAttachment(st.attachment().withHost(hostId, registration.benchmarkGflops())));
            events.add(source, String.format(Locale.ROOT, "registered host %d (%s, %d cores, %.2f GFLOPS per core)",
                    hostId, registration.cpuModel(), registration.cores(), registration.benchmarkGflops()));
            cpu.registered();
            attaching = false;
            tick();
        }, this::register);
    }

    private void shutDown() {
        if (stopping) {
            return;
        }
        stopping = true;
        if (wake != null) {
            wake.cancel(false);
        }
        int stopped = 0;
        for (WorkerProcess w : workers.values()) {
            w.stop();
            stopped++;
        }
        paused.clear();
        workers.clear();
        save();
        try {
            cpu.write(config.dataDir());
        } catch (IOException e) {
            events.add("client", "cannot write " + CpuLedger.FILE + ": " + e.getMessage());
        }
        events.add("client", "stopped" + (stopped > 0 ? "; " + stopped + " running tasks resume from their"
                + " checkpoints at the next start" : ""));
    }

    private void fatal(String message) {
        events.add(source, "fatal: " + message);
        stopping = true;
        for (WorkerProcess w : workers.values()) {
            w.stop();
        }
        workers.clear();
        save();
        terminated.completeExceptionally(new IllegalStateException(message));
    }

    // ---------------------------------------------------------------- the main step

    /** Does everything that can be done now, then sets the timer for the next thing. Engine thread only. */
    private void tick() {
        if (stopping || !started || attaching || state.attachment() == null) {
            publish();
            return;
        }
        Instant now = clock.instant();
        for (TaskRecord t : state.tasks()) {
            if (t.state() == TaskState.DOWNLOADING && transfers.mayStart(t.resultId(), now)) {
                download(t);
            } else if (t.state() == TaskState.UPLOADING && transfers.mayStart(t.resultId(), now)) {
                upload(t);
            }
        }
        runTasks(now);
        maybeRequest(now);
        scheduleWake(now);
        publish();
    }

    /** Starts, continues, resumes or holds tasks as {@link RunPlanner} decides. */
    private void runTasks(Instant now) {
        for (TaskRecord t : state.tasks()) {
            Instant deadline = t.localDeadline(); // the server's deadline, on our clock
            if (t.state() == TaskState.READY && deadline != null && now.isAfter(deadline)) {
                events.add(source, "deadline passed before start for result " + t.resultId()
                        + "; reporting it as a client error");
                update(st -> st.updateTask(t.resultId(), r -> r.failed("deadline passed before the task started",
                        0, 0)));
            }
        }
        List<TaskRecord> running = state.tasks().stream().filter(t -> t.state() == TaskState.RUNNING).toList();
        List<TaskRecord> ready = state.tasks().stream().filter(t -> t.state() == TaskState.READY).toList();
        RunPlanner.Plan plan = RunPlanner.plan(running, ready, suspendedByYou, settings, this::memoryOf);
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
            int slot = freeSlot();
            update(st -> st.updateTask(t.resultId(), r -> r.running(slot)));
            try {
                cpu.workerStarting();
                WorkerProcess w = slots.startFresh(t, slot, settings.checkpointInterval());
                watch(t.resultId(), w);
                events.add(source, "started result " + t.resultId() + " (" + t.assignment().resultName()
                        + ") in slot " + slot);
            } catch (IOException e) {
                failTask(t.resultId(), "cannot start worker: " + e.getMessage());
            }
        }
    }

    /** Memory a task uses: its worker's resident set when measured, else what its work unit may use. */
    private long memoryOf(TaskRecord t) {
        Long measured = memory.get(t.resultId());
        return measured != null ? measured : WorkerLauncher.heapMegabytes(t.assignment().memoryBoundBytes()) << 20;
    }

    /** Stops a running task's worker in place, or (pause after checkpoint, or no signals) once it checkpointed. */
    private void hold(TaskRecord t, WorkerProcess w) {
        long id = t.resultId();
        if (holds.getOrDefault(id, "").startsWith(RunPlanner.WAITING_FOR_MEMORY)) {
            stopWorker(id); // a stopped-in-place worker keeps its memory; this one resumes from its checkpoint
            events.add(source, "task " + id + " stopped: " + holds.get(id));
            return;
        }
        boolean afterCheckpoint = settings.pauseAfterCheckpoint() && !suspendedByYou.contains(id);
        if (afterCheckpoint) {
            if (!checkpointedSince(t, holdSince)) {
                holds.put(id, "pausing after its next checkpoint");
                return;
            }
            stopWorker(id);
            events.add(source, "task " + id + " paused after its checkpoint");
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

    private void resume(TaskRecord t) {
        try {
            Slot slot = slots.slot(t.slot());
            var outcome = slot.readOutcome().filter(o -> o.resultId() == t.resultId());
            if (outcome.isPresent() && Files.isRegularFile(slot.outputFile())) {
                events.add(source, "result " + t.resultId() + " had finished before the restart");
                computed(t.resultId(), slot, outcome.get());
                return;
            }
            int k = slots.checkpointedFiles(t);
            cpu.workerStarting();
            WorkerProcess w = slots.resume(t, settings.checkpointInterval());
            watch(t.resultId(), w);
            events.add(source, "resumed result " + t.resultId() + " from checkpoint after " + k + " of "
                    + t.assignment().inputs().size() + " files");
        } catch (IOException e) {
            failTask(t.resultId(), "cannot resume worker: " + e.getMessage());
        }
    }

    /** The lowest slot no running task holds (held tasks keep theirs, so there may be more slots than cores). */
    private int freeSlot() {
        Set<Integer> used = state.tasks().stream().filter(t -> t.state() == TaskState.RUNNING)
                .map(TaskRecord::slot).collect(Collectors.toSet());
        int i = 0;
        while (used.contains(i)) {
            i++;
        }
        return i;
    }

    // ---------------------------------------------------------------- workers

    private void watch(long resultId, WorkerProcess w) {
        workers.put(resultId, w);
        progress.put(resultId, 0.0);
        w.onExit().thenAccept(code -> loop.post(() -> workerExited(resultId, w, code)));
    }

    private void workerExited(long resultId, WorkerProcess w, int code) {
        if (workers.get(resultId) != w) {
            return; // stopped on purpose (shutdown, cancel)
        }
        workers.remove(resultId);
        paused.remove(resultId);
        TaskRecord t = state.task(resultId).orElse(null);
        if (t == null || t.state() != TaskState.RUNNING || stopping) {
            return;
        }
        Slot slot = slots.slot(t.slot());
        try {
            var outcome = slot.readOutcome().filter(o -> o.resultId() == resultId);
            if (code == 0 && outcome.isPresent()) {
                cpu.computed(outcome.get()); // only workers of this run: their CPU is among this process's children
                computed(resultId, slot, outcome.get());
            } else {
                String message = code == 0 ? "worker exited without a result" : slot.readError();
                events.add(source, "task " + resultId + " failed: " + message);
                failTask(resultId, message);
            }
        } catch (IOException e) {
            failTask(resultId, "cannot read worker result: " + e.getMessage());
        }
        tick();
    }

    private void computed(long resultId, Slot slot, WorkerOutcome o) throws IOException {
        Path output = outputs.resolve(resultId + ".json");
        Files.copy(slot.outputFile(), output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        update(st -> st.updateTask(resultId, r -> r.computed(o.outputSha256(), o.outputSize(), o.cpuSeconds(),
                o.elapsedSeconds())));
        progress.remove(resultId);
        memory.remove(resultId);
        elapsed.remove(resultId);
        events.add(source, String.format(Locale.ROOT, "task %d finished in %.1f s (cpu %.1f s)", resultId,
                o.elapsedSeconds(), o.cpuSeconds()));
        slot.clear();
    }

    private void failTask(long resultId, String message) {
        progress.remove(resultId);
        memory.remove(resultId);
        elapsed.remove(resultId);
        update(st -> st.updateTask(resultId, r -> r.failed(message, r.cpuSeconds(), r.elapsedSeconds())));
    }

    // ---------------------------------------------------------------- transfers

    private void download(TaskRecord t) {
        long id = t.resultId();
        transfers.started(id, "download");
        loop.background(() -> {
            for (InputRef in : t.assignment().inputs()) {
                transfers.show(new EngineSnapshot.TransferView(id, "download", in.name(), in.size()));
                cache.fetch(in);
            }
            return t.assignment().inputs().size();
        }, files -> {
            transfers.done(id);
            updateIf(id, TaskState.DOWNLOADING, r -> r.moveTo(TaskState.READY));
            tick();
        }, error -> transferFailed(id, "download", error));
    }

    private void upload(TaskRecord t) {
        long id = t.resultId();
        Path output = outputs.resolve(id + ".json");
        if (t.outputSize() > t.assignment().maxOutputBytes()) {
            String message = "output of " + t.outputSize() + " bytes is larger than the signed limit of "
                    + t.assignment().maxOutputBytes() + " bytes";
            events.add(source, "task " + id + " failed: " + message);
            failTask(id, message);
            return;
        }
        transfers.started(id, "upload");
        transfers.show(new EngineSnapshot.TransferView(id, "upload", output.getFileName().toString(),
                t.outputSize()));
        loop.background(() -> api.uploadOutput(t.assignment().uploadUrl(), output, t.outputSha256()),
                receipt -> {
                    transfers.done(id);
                    events.add(source, "uploaded output of result " + id + " (" + t.outputSize() + " bytes)");
                    updateIf(id, TaskState.UPLOADING, r -> r.moveTo(TaskState.READY_TO_REPORT));
                    tick();
                }, error -> transferFailed(id, "upload", error));
    }

    private void transferFailed(long id, String what, Throwable error) {
        if (Failures.isRetryable(error)) {
            Duration d = transfers.failed(id, clock.instant(), ThreadLocalRandom.current().nextDouble(),
                    Failures.retryAfter(error).orElse(null));
            events.add(source, "retrying in " + seconds(d) + " s: " + what + " of result " + id + ": "
                    + Failures.describe(error));
        } else {
            transfers.done(id);
            String message = what + " failed: " + Failures.describe(error);
            events.add(source, "task " + id + " failed: " + message);
            state.task(id).filter(t -> t.state() == TaskState.DOWNLOADING || t.state() == TaskState.UPLOADING)
                    .ifPresent(t -> failTask(id, message));
        }
        tick();
    }

    // ---------------------------------------------------------------- scheduler requests

    private void maybeRequest(Instant now) {
        if (rpcInFlight || now.isBefore(backoffUntil)) {
            return;
        }
        List<TaskRecord> reportable = state.tasks().stream().filter(t -> t.state() == TaskState.READY_TO_REPORT)
                .toList();
        boolean askWork = needsWork() && !now.isBefore(nextWorkRequest);
        if (reportable.isEmpty() && !askWork) {
            return;
        }
        double workSeconds = askWork ? workSeconds() : 0;
        List<ResultReport> reports = reportable.stream().map(TaskRecord::report).toList();
        List<Long> inProgress = state.tasks().stream()
                .filter(t -> t.state().isActive() && t.state() != TaskState.READY_TO_REPORT)
                .map(TaskRecord::resultId).toList();
        SchedulerRequest request = new SchedulerRequest(state.attachment().hostId(), reports, workSeconds,
                inProgress, settings.projects());
        rpcInFlight = true;
        loop.background(() -> api.schedulerRequest(request),
                reply -> replied(request, reply), error -> requestFailed(request, error));
    }

    private boolean needsWork() {
        return !settings.noNewTasks() && workSeconds() > 0;
    }

    private double workSeconds() {
        List<TaskRecord> queued = state.tasks().stream().filter(t -> t.state().isQueued()).toList();
        double queuedSeconds = queued.stream().mapToDouble(t -> Math.max(0, t.assignment().estimatedSeconds())
                * (1 - progress.getOrDefault(t.resultId(), 0.0))).sum();
        return WorkFetchPolicy.workSeconds(queued.size(), queuedSeconds, config.cores(), settings.extraTasks(),
                settings.minBuffer().toSeconds(), taskSeconds);
    }

    private void replied(SchedulerRequest request, SchedulerReply reply) {
        rpcInFlight = false;
        rpcFailures = 0;
        refusedReports = 0;
        Instant now = clock.instant();
        if (!reply.messages().equals(lastServerMessages)) { // the same words every poll would flood the log
            reply.messages().forEach(m -> events.add(source, "server: " + m));
            lastServerMessages = reply.messages();
        }
        Set<Long> reported = request.reports().stream().map(ResultReport::resultId).collect(Collectors.toSet());
        int acknowledged = 0;
        for (long id : reply.acknowledged()) {
            if (reported.contains(id) && updateIf(id, TaskState.READY_TO_REPORT, r -> r.moveTo(TaskState.REPORTED))) {
                acknowledged++;
                deleteQuietly(outputs.resolve(id + ".json"));
            }
        }
        if (acknowledged > 0) {
            events.add(source, "reported " + acknowledged + " results");
        }
        for (long id : reply.cancelled()) {
            cancel(id);
        }
        Duration serverAhead = reply.serverTime() == null ? Duration.ZERO : Duration.between(now, reply.serverTime());
        for (Assignment a : reply.assignments()) {
            if (!acceptable(a)) {
                continue;
            }
            update(st -> st.withTask(TaskRecord.received(a, now, serverAhead)));
            if (a.estimatedSeconds() > 0) {
                taskSeconds = a.estimatedSeconds();
            }
        }
        if (!reply.assignments().isEmpty()) {
            events.add(source, "got " + reply.assignments().size() + " tasks");
        }
        Duration delay = Duration.ofSeconds(Math.max(0, reply.requestDelaySeconds()));
        if (delay.compareTo(config.minRequestInterval()) < 0) {
            delay = config.minRequestInterval();
        }
        Instant next = now.plus(delay);
        if (next.isAfter(nextWorkRequest)) {
            nextWorkRequest = next;
        }
        if (acknowledged > 0 || !reply.cancelled().isEmpty()) {
            collectGarbage();
        }
        if (lastReports != null && state.tasks().stream().noneMatch(t -> t.state() == TaskState.READY_TO_REPORT)) {
            lastReports.complete(acknowledged);
            lastReports = null;
        }
        tick();
    }

    private void requestFailed(SchedulerRequest request, Throwable error) {
        rpcInFlight = false;
        if (lastReports != null) {
            lastReports.completeExceptionally(error); // detaching: no retries, the deadlines take over
            lastReports = null;
        }
        rpcFailures++;
        Duration d = backoff.delay(rpcFailures, ThreadLocalRandom.current().nextDouble(),
                Failures.retryAfter(error).orElse(null));
        if (error instanceof ApiException api && (api.status() == 401 || api.status() == 404)
                && rpcFailures <= 3) {
            // the server lost our account or host (e.g. its database was reset): attach or register again
            backoffUntil = clock.instant().plus(d);
            if (api.status() == 401) {
                events.add(source, "server no longer knows this client's authenticator; attaching again");
                attach(); // keeps the attachment (and its host) until the new log-in replaces the authenticator
            } else {
                events.add(source, "server does not know host " + request.hostId() + "; registering again");
                register();
            }
            return;
        }
        if (error instanceof ApiException api && !api.isRetryable()) {
            if (api.status() == 400 && !request.reports().isEmpty() && ++refusedReports >= 3) {
                events.add(source, "dropping " + request.reports().size() + " results the server keeps refusing: "
                        + api.getMessage());
                request.reports().forEach(r -> updateIf(r.resultId(), TaskState.READY_TO_REPORT,
                        t -> t.moveTo(TaskState.ABORTED)));
                refusedReports = 0;
            }
        }
        backoffUntil = clock.instant().plus(d);
        events.add(source, "retrying in " + seconds(d) + " s: " + Failures.describe(error));
        tick();
    }

    private void cancel(long id) {
        TaskRecord t = state.task(id).orElse(null);
        if (t == null || !t.state().isActive() || t.state() == TaskState.READY_TO_REPORT) {
            return;
        }
        WorkerProcess w = workers.remove(id);
        if (w != null) {
            w.stop();
        }
        if (t.state() == TaskState.RUNNING && t.slot() >= 0) {
            try {
                slots.slot(t.slot()).clear();
            } catch (IOException e) {
                // cleared again before the slot is reused
            }
        }
        progress.remove(id);
        memory.remove(id);
        transfers.done(id);
        deleteQuietly(outputs.resolve(id + ".json"));
        update(st -> st.updateTask(id, r -> r.moveTo(TaskState.ABORTED)));
        events.add(source, "result " + id + " cancelled by the server");
    }

    private void collectGarbage() {
        Set<String> keep = new HashSet<>();
        state.tasks().stream().filter(t -> t.state().isQueued())
                .forEach(t -> t.assignment().inputs().forEach(in -> keep.add(in.sha256())));
        try {
            cache.retainOnly(keep);
        } catch (IOException e) {
            events.add("client", "cache clean-up failed: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- plumbing

    private void scheduleWake(Instant now) {
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
        Instant at = null;
        boolean reportsWaiting = state.tasks().stream().anyMatch(t -> t.state() == TaskState.READY_TO_REPORT);
        if (!rpcInFlight && (reportsWaiting || needsWork())) {
            at = later(backoffUntil, reportsWaiting ? now : nextWorkRequest);
        }
        Optional<Instant> retry = transfers.nextRetry();
        if (retry.isPresent()) {
            at = earlier(at, retry.get());
        }
        if (workers.size() > paused.size()) {
            at = earlier(at, now.plus(config.progressRefresh()));
        }
        if (at != null) {
            long ms = Math.max(10, Duration.between(now, at).toMillis());
            wake = loop.schedule(this::refreshAndTick, Duration.ofMillis(ms));
        }
    }

    private void refreshAndTick() {
        Instant now = clock.instant();
        double seconds = lastRefresh == null ? 0 : Math.min(2.0 * config.progressRefresh().toMillis() / 1000.0,
                Math.max(0, Duration.between(lastRefresh, now).toMillis() / 1000.0)); // no gap while nothing ran
        lastRefresh = now;
        for (TaskRecord t : state.tasks()) {
            long id = t.resultId();
            if (t.state() == TaskState.RUNNING && workers.containsKey(id) && !paused.contains(id)) {
                progress.put(id, slots.slot(t.slot()).readProgress());
                ProcessMemory.residentBytes(workers.get(id).pid()).ifPresent(b -> memory.put(id, b));
                elapsed.merge(id, seconds, Double::sum);
            }
        }
        tick();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private void update(UnaryOperator<ClientState> change) {
        ClientState next = change.apply(state);
        if (next != state) {
            state = next;
            save();
        }
    }

    /** Changes the task only if it is still in {@code expected}; true when it did. */
    private boolean updateIf(long id, TaskState expected, UnaryOperator<TaskRecord> change) {
        if (state.task(id).map(t -> t.state() == expected).orElse(false)) {
            update(st -> st.updateTask(id, change));
            return true;
        }
        return false;
    }

    private void save() {
        try {
            store.save(state);
        } catch (IOException e) {
            events.add("client", "cannot save state: " + e.getMessage());
        }
    }

    private void publish() {
        EngineSnapshot s = Snapshots.of(source, state, new Snapshots.Running(progress, elapsed, holds),
                transfers.views(), transfers.retries(), nextWorkRequest, status(), settings.hold());
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
        if (stopping) {
            return "stopped";
        }
        if (attaching) {
            return "attaching";
        }
        if (clock.instant().isBefore(backoffUntil)) {
            return "backing off";
        }
        if (settings.hold() != null) {
            return "suspended: " + settings.hold();
        }
        return workers.size() > paused.size() ? "computing" : "idle";
    }

    /** Attach and register steps: retry transport errors with backoff, give up on refusals. */
    private <T> void attachStep(String what, EngineLoop.Call<T> call, java.util.function.Consumer<T> onSuccess,
                                Runnable retry) {
        loop.background(call, onSuccess, error -> {
            if (Failures.isRetryable(error)) {
                rpcFailures++;
                Duration d = backoff.delay(rpcFailures, ThreadLocalRandom.current().nextDouble(),
                Failures.retryAfter(error).orElse(null));
                events.add(source, "retrying in " + seconds(d) + " s: " + what + ": " + Failures.describe(error));
                loop.schedule(() -> {
                    if (!stopping) {
                        retry.run();
                    }
                }, d);
            } else {
                fatal("cannot " + what + ": " + Failures.describe(error));
            }
        });
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // left for the next clean-up
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.0f", Math.ceil(d.toMillis() / 1000.0));
    }

    private record Registered(HostRegistration registration, long hostId) {
    }

    private record Pinned(Attacher.Session session, ProjectKey key) {
    }

}

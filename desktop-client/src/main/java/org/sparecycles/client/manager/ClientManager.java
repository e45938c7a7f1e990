package org.sparecycles.client.manager;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.engine.ClientEngine;
import org.sparecycles.client.engine.EngineSettings;
import org.sparecycles.client.engine.EngineSnapshot;
import org.sparecycles.client.events.EventLog;
import org.sparecycles.client.host.LoadSampler;
import org.sparecycles.client.idle.InputIdleSource;
import org.sparecycles.client.net.ApiException;
import org.sparecycles.client.net.ServerApi;
import org.sparecycles.client.policy.ActivityMode;
import org.sparecycles.client.policy.ComputeDecision;
import org.sparecycles.client.policy.ComputePolicy;
import org.sparecycles.client.policy.CpuShares;
import org.sparecycles.client.policy.DutyCycle;
import org.sparecycles.client.policy.Readings;
import org.sparecycles.client.prefs.Preferences;
import org.sparecycles.client.prefs.PreferencesStore;
import org.sparecycles.client.state.Attachment;
import org.sparecycles.client.state.ClientState;
import org.sparecycles.client.state.DataDirLock;
import org.sparecycles.client.state.StateStore;
import org.sparecycles.workunits.protocol.AccountCredit;
import org.sparecycles.workunits.protocol.AccountSession;
import org.sparecycles.workunits.protocol.CreateAccountRequest;
import org.sparecycles.workunits.protocol.LoginRequest;
import org.sparecycles.workunits.protocol.ProjectInfo;

/**
 * The desktop app's model: one {@link ClientEngine} per attachment (account on a server, in its own directory
 * under {@code projects/}), the volunteer's preferences and activity switch, and a policy loop that reads input
 * idleness and load every {@link ManagerOptions#policyPeriod()} and tells each engine what it may do. Knows
 * nothing of JavaFX: the UI reads {@link #status()} and calls the methods here (the blocking ones off its thread).
 */
public final class ClientManager implements AutoCloseable {
    private static final double USAGE_HALF_LIFE_SECONDS = 3600;
    /** How long a detach waits for the server to take the last reports. */
    public static final Duration DETACH_REPORT_WAIT = Duration.ofSeconds(15);
    private static final Duration DISK_WALK_PERIOD = Duration.ofSeconds(30);
    private final Map<String, String> loginNeeded = new HashMap<>();
    private Instant diskWalkedAt;
    private long diskUsed;

    private final ManagerOptions options;
    private final Clock clock;
    private final EventLog events;
    private final DataDirLock lock;
    private final PreferencesStore prefsStore;
    private final ProjectsStore store;
    private final InputIdleSource idle;
    private final LoadSampler load;
    private final ScheduledExecutorService policy;
    private final ExecutorService io = Executors.newCachedThreadPool(r -> daemon(r, "sparecycles-manager-io"));
    private final Instant origin;

    // guarded by this
    private final Map<String, ProjectSettings> projects = new LinkedHashMap<>();
    private final Map<String, ClientEngine> engines = new HashMap<>();
    private final Map<String, Double> usedCoreSeconds = new HashMap<>();
    private final List<CreditSample> credit;
    private Preferences prefs;
    private ActivityMode mode = ActivityMode.PREFERENCES;
    private Instant snoozeUntil;
    private boolean pauseAfterCheckpoint;
    private Map<String, Integer> allocation = Map.of();
    private Instant allocatedAt = Instant.EPOCH;
    private Instant lastTick;
    private Instant creditPolledAt = Instant.EPOCH;
    private volatile ManagerStatus status;

    private ClientManager(ManagerOptions options, Clock clock, EventLog events, DataDirLock lock,
                          InputIdleSource idle) throws IOException {
        this.options = options;
        this.clock = clock;
        this.events = events;
        this.lock = lock;
        this.idle = idle;
        this.load = new LoadSampler(clock);
        this.prefsStore = new PreferencesStore(options.dataDir().resolve("preferences.json"));
        this.store = new ProjectsStore(options.dataDir());
        this.prefs = prefsStore.load();
        this.credit = store.loadCredit();
        this.origin = clock.instant();
        this.policy = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sparecycles-policy"));
        for (ProjectSettings p : store.loadProjects()) {
            projects.put(p.id(), p);
        }
        this.status = buildStatus(null, null, null);
    }

    /** Locks the data directory and loads preferences and attachments; {@link #start()} opens the engines. */
    public static ClientManager open(ManagerOptions options, Clock clock, InputIdleSource idle) throws IOException {
        Files.createDirectories(options.dataDir());
        DataDirLock lock = DataDirLock.acquire(options.dataDir());
        try {
            EventLog events = new EventLog(clock, options.dataDir().resolve("events.log"), null);
            return new ClientManager(options, clock, events, lock, idle);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    public void start() {
        events.add("client", "input-idle signal: " + idle.name());
        synchronized (this) {
            for (ProjectSettings p : projects.values()) {
                openEngine(p, null);
            }
        }
        long ms = options.policyPeriod().toMillis();
        policy.scheduleWithFixedDelay(this::policyTick, 0, ms, TimeUnit.MILLISECONDS);
    }

    public EventLog events() {
        return events;
    }

    /** The latest status; never null. Refreshed every policy period. */
    public ManagerStatus status() {
        return status;
    }

    public synchronized Preferences preferences() {
        return prefs;
    }

    /** Stores the preferences and applies them at the next policy step (no restart). */
    public void setPreferences(Preferences p) throws IOException {
        prefsStore.save(p);
        synchronized (this) {
            prefs = p;
        }
        events.add("client", "preferences saved");
        policy.execute(this::policyTick);
    }

    /**
     * Logs in again with the password after the server refused the saved log-in (see
     * {@link ManagerStatus.Project#loginNeeded}), and restarts computing for the attachment. Blocking.
     *
     * @throws ApiException when the server refuses the password, with its message
     */
    public void logIn(String id, String password) throws IOException, ApiException {
        ProjectSettings p;
        synchronized (this) {
            p = projects.get(id);
        }
        if (p == null) {
            throw new IllegalArgumentException("no attachment " + id);
        }
        AccountSession s = new ServerApi(serverUri(p.serverUrl())).login(new LoginRequest(p.email(), password));
        ClientEngine old;
        synchronized (this) {
            old = engines.remove(id);
        }
        if (old != null) {
            old.close();
        }
        Path state = options.dataDir().resolve("projects").resolve(id).resolve("state.json");
        StateStore store = new StateStore(state, clock);
        ClientState saved = store.load().state();
        Attachment a = saved.attachment();
        store.save(saved.withAttachment(a == null
                ? new Attachment(serverUri(p.serverUrl()).toString(), s.accountId(), s.email(), s.authenticator(), 0, 0)
                : new Attachment(a.serverUrl(), a.accountId(), a.email(), s.authenticator(), a.hostId(),
                        a.benchmarkGflops(), a.projectKey())));
        events.add(p.serverUrl(), "logged in again as " + s.email());
        synchronized (this) {
            loginNeeded.remove(id);
            openEngine(p, password);
        }
        policy.execute(this::policyTick);
    }

    /** The app's data directory (the UI keeps its own small settings there). */
    public Path dataDir() {
        return options.dataDir();
    }

    /** The activity chosen last (the status shows it after the next policy step). */
    public synchronized ActivityMode mode() {
        return mode;
    }

    public void setMode(ActivityMode m) {
        synchronized (this) {
            mode = m;
            snoozeUntil = null;
            pauseAfterCheckpoint = false;
        }
        events.add("client", "activity: " + m.label());
        policy.execute(this::policyTick);
    }

    /** Holds computing for an hour; {@link #setMode} ends it earlier. */
    public void snooze(Duration d) {
        synchronized (this) {
            snoozeUntil = clock.instant().plus(d);
        }
        events.add("client", "snoozed for " + d.toMinutes() + " min");
        policy.execute(this::policyTick);
    }

    /** Suspends computing, letting each running task write its next checkpoint first. */
    public void pauseAfterCheckpoint() {
        synchronized (this) {
            mode = ActivityMode.SUSPENDED;
            pauseAfterCheckpoint = true;
        }
        events.add("client", "pausing after each task's next checkpoint");
        policy.execute(this::policyTick);
    }

    // ---------------------------------------------------------------- attaching

    /** {@code GET /projects} of a server. Blocking. */
    public static List<ProjectInfo> listProjects(String serverUrl) throws IOException, ApiException {
        return new ServerApi(serverUri(serverUrl)).projects();
    }

    /**
     * Creates the account (or logs in), saves the attachment with the chosen projects and starts computing for
     * it. Blocking.
     *
     * @throws ApiException when the server refuses (e-mail taken, wrong password), with its message
     * @throws IllegalStateException when this account on this server is attached already
     */
    public ProjectSettings attach(String serverUrl, String email, String password, String name, boolean create,
                                  List<ProjectInfo> chosen) throws IOException, ApiException {
        URI uri = serverUri(serverUrl);
        ServerApi api = new ServerApi(uri);
        AccountSession s = create ? api.createAccount(new CreateAccountRequest(email, password, name))
                : api.login(new LoginRequest(email, password));
        String id = (uri.getHost() + "_" + (uri.getPort() < 0 ? uri.getScheme() : uri.getPort()) + "_a"
                + s.accountId()).replaceAll("[^A-Za-z0-9_.-]", "_");
        synchronized (this) {
            if (projects.containsKey(id)) {
                throw new IllegalStateException("already attached to " + uri + " as " + s.email());
            }
        }
        Path dir = options.dataDir().resolve("projects").resolve(id);
        Files.createDirectories(dir);
        new StateStore(dir.resolve("state.json"), clock).save(ClientState.empty().withAttachment(
                new Attachment(uri.toString(), s.accountId(), s.email(), s.authenticator(), 0, 0)));
        ProjectSettings p = new ProjectSettings(id, uri.toString(), s.email(), s.accountId(),
                chosen.stream().map(ProjectInfo::id).toList(), chosen.stream().map(ProjectInfo::name).toList(),
                ProjectSettings.DEFAULT_SHARE, false, false);
        events.add(uri.toString(), (create ? "created account " : "logged in as ") + s.email() + "; joined "
                + (chosen.isEmpty() ? "all projects" : p.title()));
        synchronized (this) {
            projects.put(id, p);
            saveProjects();
            openEngine(p, password);
        }
        policy.execute(this::policyTick);
        return p;
    }

    /**
     * Stops the engine, forgets the attachment and deletes its directory. Unfinished tasks are given up and
     * reported as such (with computed, unreported results) in one last request, so the server reissues them at
     * once; if it cannot be reached within {@link #DETACH_REPORT_WAIT}, they are abandoned and the server reissues
     * them after their deadlines. Blocking.
     */
    public void detach(String id) throws IOException {
        ClientEngine engine;
        ProjectSettings p;
        synchronized (this) {
            engine = engines.remove(id);
            p = projects.remove(id);
            loginNeeded.remove(id);
            if (p == null) {
                return;
            }
            saveProjects();
        }
        if (engine != null) {
            try {
                int n = engine.giveUpAndReport().get(DETACH_REPORT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                events.add(p.serverUrl(), "detaching: the server took " + n + " reports");
            } catch (ExecutionException | TimeoutException e) {
                events.add(p.serverUrl(), "detaching: could not report to the server (" + e
                        + "); it reissues unfinished tasks after their deadlines");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            engine.close();
        }
        events.add(p.serverUrl(), "detached from " + p.title());
        deleteTree(options.dataDir().resolve("projects").resolve(id));
    }

    /** Changes one attachment's switches (share, suspended, no new tasks) and stores them. */
    public void update(String id, UnaryOperator<ProjectSettings> change) throws IOException {
        synchronized (this) {
            ProjectSettings p = projects.get(id);
            if (p == null) {
                return;
            }
            projects.put(id, change.apply(p));
            saveProjects();
            allocatedAt = Instant.EPOCH;
        }
        policy.execute(this::policyTick);
    }

    /** The engine of an attachment, for per-task actions and "update now". */
    public synchronized Optional<ClientEngine> engine(String id) {
        return Optional.ofNullable(engines.get(id));
    }

    public synchronized List<CreditSample> creditHistory() {
        return List.copyOf(credit);
    }

    // ---------------------------------------------------------------- the policy loop

    private void policyTick() {
        try {
            step();
        } catch (RuntimeException e) {
            events.add("client", "internal error in the policy loop: " + e);
        }
    }

    private synchronized void step() {
        Instant now = clock.instant();
        double dt = lastTick == null ? 0 : Duration.between(lastTick, now).toMillis() / 1000.0;
        lastTick = now;
        Duration inputIdle = idle.idleTime();
        Readings r = new Readings(ZonedDateTime.ofInstant(now, clock.getZone()), inputIdle, load.onBattery(),
                load.otherCpuPercent());
        ComputeDecision d = ComputePolicy.decide(prefs, mode, snoozeUntil, r);
        String hold = !d.allowed() ? d.reason()
                : !DutyCycle.running(d.limits().cpuTimePercent(), Duration.between(origin, now))
                ? "CPU time limit (" + d.limits().cpuTimePercent() + "% of the time)" : null;
        int cores = ComputePolicy.cores(d.limits(), options.logicalCores());
        account(dt);
        if (Duration.between(allocatedAt, now).toSeconds() >= CpuShares.ROUND_SECONDS || runnableChanged()) {
            allocation = CpuShares.allocate(cores, claims(now));
            allocatedAt = now;
        }
        long bufferSeconds = Math.round((prefs.minBufferDays() + prefs.extraBufferDays()) * 86_400);
        boolean diskFull = prefs.diskMaxGb() > 0 && diskUsedBytes() > prefs.diskMaxGb() * 1e9;
        for (ProjectSettings p : projects.values()) {
            ClientEngine e = engines.get(p.id());
            if (e == null) {
                continue;
            }
            String projectHold = p.suspended() ? "project suspended by you" : hold;
            int engineCores = Math.min(cores, allocation.getOrDefault(p.id(), 0));
            e.apply(new EngineSettings(engineCores, projectHold, pauseAfterCheckpoint, p.noNewTasks() || diskFull,
                    Duration.ofSeconds(bufferSeconds), 1, p.projectIds(),
                    memoryLimit(d.limits().memoryPercent(), engineCores, cores),
                    Duration.ofSeconds(prefs.checkpointSeconds())));
        }
        if (Duration.between(creditPolledAt, now).compareTo(options.creditPoll()) >= 0) {
            creditPolledAt = now;
            pollCredit();
        }
        status = buildStatus(d, hold, inputIdle);
    }

    /**
     * The memory preference (share of physical memory) split among attachments like the cores: an attachment
     * computing on k of the n allowed cores may use k/n of it. 0 (no limit) when the machine's memory is unknown.
     */
    private long memoryLimit(int memoryPercent, int engineCores, int cores) {
        long total = options.memoryBytes();
        if (total <= 0 || cores <= 0) {
            return 0;
        }
        return Math.max(1, (long) (total * (memoryPercent / 100.0) * engineCores / cores));
    }

    private Map<String, Integer> lastRunnable = Map.of();

    private boolean runnableChanged() {
        Map<String, Integer> now = new HashMap<>();
        engines.forEach((id, e) -> now.put(id, runnable(e.snapshot())));
        boolean changed = !now.equals(lastRunnable);
        lastRunnable = now;
        return changed;
    }

    private List<CpuShares.Claim> claims(Instant now) {
        List<CpuShares.Claim> out = new ArrayList<>();
        for (ProjectSettings p : projects.values()) {
            ClientEngine e = engines.get(p.id());
            if (e == null || p.suspended()) {
                continue;
            }
            EngineSnapshot s = e.snapshot();
            int atRisk = (int) s.tasks().stream().filter(t -> t.state().equals("READY") || t.state().equals("RUNNING"))
                    .filter(t -> t.deadline() != null && now.plusSeconds((long) (t.remainingSeconds() * 1.5))
                            .isAfter(t.deadline())).count();
            out.add(new CpuShares.Claim(p.id(), runnable(s), p.share(), usedCoreSeconds.getOrDefault(p.id(), 0.0),
                    atRisk));
        }
        return out;
    }

    private static int runnable(EngineSnapshot s) {
        return (int) s.tasks().stream().filter(t -> (t.state().equals("READY") || t.state().equals("RUNNING"))
                && !"suspended by you".equals(t.holdReason())).count();
    }

    /** CPU time each attachment had, decayed with a half-life of an hour (the round-robin's memory). */
    private void account(double dt) {
        double decay = Math.pow(0.5, dt / USAGE_HALF_LIFE_SECONDS);
        engines.forEach((id, e) -> {
            long computing = e.snapshot().tasks().stream()
                    .filter(t -> t.state().equals("RUNNING") && t.holdReason() == null).count();
            usedCoreSeconds.put(id, usedCoreSeconds.getOrDefault(id, 0.0) * decay + computing * dt);
        });
    }

    private void pollCredit() {
        for (ProjectSettings p : projects.values()) {
            ClientEngine e = engines.get(p.id());
            if (e == null || e.snapshot().hostId() == 0) {
                continue;
            }
            long hostId = e.snapshot().hostId();
            Path state = options.dataDir().resolve("projects").resolve(p.id()).resolve("state.json");
            io.execute(() -> {
                try {
                    Attachment a = new StateStore(state, clock).load().state().attachment();
                    if (a == null) {
                        return;
                    }
                    ServerApi api = new ServerApi(serverUri(p.serverUrl()));
                    api.authenticate(a.authenticator());
                    AccountCredit c = api.accountCredit();
                    AccountCredit.HostCredit host = c.hosts().stream().filter(h -> h.hostId() == hostId).findFirst()
                            .orElse(new AccountCredit.HostCredit(hostId, "", 0, 0));
                    addCredit(new CreditSample(clock.instant(), p.id(), c.totalCredit(), c.recentCredit(),
                            host.totalCredit(), host.recentCredit()));
                } catch (IOException | ApiException | RuntimeException ex) {
                    // the next poll tries again; the engine's own requests report server trouble
                }
            });
        }
    }

    private synchronized void addCredit(CreditSample s) {
        credit.add(s);
        long mine = credit.stream().filter(c -> c.projectId().equals(s.projectId())).count();
        if (mine > ProjectsStore.SAMPLES_KEPT) {
            credit.stream().filter(c -> c.projectId().equals(s.projectId())).findFirst().ifPresent(credit::remove);
        }
        try {
            store.saveCredit(credit);
        } catch (IOException e) {
            events.add("client", "cannot save credit history: " + e.getMessage());
        }
    }

    /** Polls credit at the next policy step (e.g. after results were reported). */
    public synchronized void refreshCredit() {
        creditPolledAt = Instant.EPOCH;
    }

    private ManagerStatus buildStatus(ComputeDecision d, String hold, Duration inputIdle) {
        List<ManagerStatus.Project> list = new ArrayList<>();
        for (ProjectSettings p : projects.values()) {
            ClientEngine e = engines.get(p.id());
            CreditSample last = credit.stream().filter(c -> c.projectId().equals(p.id()))
                    .max(Comparator.comparing(CreditSample::time)).orElse(null);
            list.add(new ManagerStatus.Project(p, e == null ? null : e.snapshot(), last, loginNeeded.get(p.id())));
        }
        return new ManagerStatus(mode, snoozeUntil, pauseAfterCheckpoint, d, hold, inputIdle, idle.name(), list);
    }

    // ---------------------------------------------------------------- engines and files

    private void openEngine(ProjectSettings p, String password) {
        Path dir = options.dataDir().resolve("projects").resolve(p.id());
        try {
            ClientConfig config = ClientConfig.builder().server(p.serverUrl()).email(p.email())
                    .password(password != null ? password : "(saved authenticator)").dataDir(dir)
                    .cores(options.logicalCores()).extraTasks(1)
                    .backoff(Duration.ofSeconds(2), options.maxBackoff()).taskDelay(options.taskDelay()).build();
            ClientEngine engine = ClientEngine.open(config, clock, events);
            engine.apply(new EngineSettings(0, "starting", false, false, Duration.ZERO, 1, p.projectIds()));
            engine.events().addListener(ev -> {
                if (ev.message().startsWith("reported ")) {
                    refreshCredit();
                }
            });
            engines.put(p.id(), engine);
            engine.terminated().whenComplete((v, error) -> {
                if (error != null) {
                    engineFailed(p, engine, error);
                }
            });
            engine.start();
        } catch (IOException | RuntimeException e) {
            events.add(p.serverUrl(), "cannot start " + p.title() + ": " + e.getMessage());
        }
    }

    /** An engine gave up; a refused log-in makes the app ask for the password instead of failing silently. */
    private void engineFailed(ProjectSettings p, ClientEngine engine, Throwable error) {
        String why = error.getCause() != null ? error.getCause().getMessage() : error.getMessage();
        if (why == null || !why.startsWith("cannot attach") && !why.contains("401")) {
            return; // logged by the engine already; nothing a password fixes
        }
        synchronized (this) {
            if (engines.get(p.id()) != engine) {
                return;
            }
            loginNeeded.put(p.id(), "the server refused the saved log-in for " + p.email() + " (" + why + ")");
        }
        events.add(p.serverUrl(), "log-in refused: enter the password of " + p.email() + " to go on");
    }

    private void saveProjects() {
        try {
            store.saveProjects(List.copyOf(projects.values()));
        } catch (IOException e) {
            events.add("client", "cannot save attachments: " + e.getMessage());
        }
    }

    /** Bytes under the data directory, walked at most every {@link #DISK_WALK_PERIOD} (not every policy step). */
    private long diskUsedBytes() {
        Instant now = clock.instant();
        if (diskWalkedAt != null && Duration.between(diskWalkedAt, now).compareTo(DISK_WALK_PERIOD) < 0) {
            return diskUsed;
        }
        diskWalkedAt = now;
        try (var files = Files.walk(options.dataDir())) {
            diskUsed = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | RuntimeException e) {
            diskUsed = 0;
        }
        return diskUsed;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static URI serverUri(String text) {
        ClientConfig c = ClientConfig.builder().server(text).email("a@b").password("-").dataDir(Path.of(".")).build();
        return c.server();
    }

    @Override
    public void close() {
        policy.shutdownNow();
        try {
            policy.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ClientEngine> all;
        synchronized (this) {
            all = List.copyOf(engines.values());
            engines.clear();
        }
        all.forEach(ClientEngine::close);
        io.shutdownNow();
        idle.close();
        try {
            events.close();
            lock.close();
        } catch (IOException e) {
            // released with the process anyway
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ClientManager[%s, %d attachments]", options.dataDir(), projects.size());
    }
}

package org.sparecycles.client.manager;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.engine.ClientEngine;
import org.sparecycles.client.events.EventLog;
import org.sparecycles.client.idle.InputIdleSource;
import org.sparecycles.client.net.ApiException;
import org.sparecycles.client.net.ServerApi;
import org.sparecycles.client.policy.ActivityMode;
import org.sparecycles.client.prefs.Preferences;
import org.sparecycles.client.prefs.PreferencesStore;
import org.sparecycles.client.state.Attachment;
import org.sparecycles.client.state.ClientState;
import org.sparecycles.client.state.DataDirLock;
import org.sparecycles.client.state.StateStore;
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
    /** How long a detach waits for the server to take the last reports. */
    public static final Duration DETACH_REPORT_WAIT = Duration.ofSeconds(15);

    private final ManagerOptions options;
    private final Clock clock;
    private final EventLog events;
    private final DataDirLock lock;
    private final PreferencesStore prefsStore;
    private final InputIdleSource idle;
    private final ScheduledExecutorService policy;
    private final PolicyReadings readings; // policy thread only, without the monitor
    private final ExecutorService io = Executors.newCachedThreadPool(r -> daemon(r, "sparecycles-manager-io"));

    // guarded by this, and so are the parts' states (the parts that run on other threads take this monitor)
    private final Attachments attachments;
    private final CoreAllocator cores;
    private final CreditPoller credit;
    private final PolicyStep policyStep;
    private Activity activity;
    private volatile ManagerStatus status;

    private ClientManager(ManagerOptions options, Clock clock, EventLog events, DataDirLock lock,
                          InputIdleSource idle) throws IOException {
        this.options = options;
        this.clock = clock;
        this.events = events;
        this.lock = lock;
        this.idle = idle;
        this.prefsStore = new PreferencesStore(options.dataDir().resolve("preferences.json"));
        ProjectsStore store = new ProjectsStore(options.dataDir());
        this.activity = new Activity(prefsStore.load(), ActivityMode.PREFERENCES, null, false);
        List<CreditSample> history = store.loadCredit();
        Instant origin = clock.instant();
        this.policy = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sparecycles-policy"));
        this.attachments = new Attachments(this, options, clock, events, store, this::refreshCredit);
        this.cores = new CoreAllocator(attachments);
        this.credit = new CreditPoller(this, options, clock, events, store, history, attachments, io);
        this.readings = new PolicyReadings(options, clock, idle);
        this.policyStep = new PolicyStep(options, idle.name(), origin, attachments, cores, credit);
        this.status = policyStep.status(activity, null, null, null);
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
            for (ProjectSettings p : attachments.projects()) {
                attachments.openEngine(p, null);
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
        return activity.prefs();
    }

    /** Stores the preferences and applies them at the next policy step (no restart). */
    public void setPreferences(Preferences p) throws IOException {
        prefsStore.save(p);
        synchronized (this) {
            activity = activity.withPreferences(p);
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
            p = attachments.get(id);
        }
        if (p == null) {
            throw new IllegalArgumentException("no attachment " + id);
        }
        AccountSession s = new ServerApi(serverUri(p.serverUrl())).login(new LoginRequest(p.email(), password));
        ClientEngine old;
        synchronized (this) {
            old = attachments.removeEngine(id);
        }
        if (old != null) {
            old.close();
        }
        Path state = attachments.dir(id).resolve("state.json");
        StateStore store = new StateStore(state, clock);
        ClientState saved = store.load().state();
        Attachment a = saved.attachment();
        store.save(saved.withAttachment(a == null
                ? new Attachment(serverUri(p.serverUrl()).toString(), s.accountId(), s.email(), s.authenticator(), 0, 0)
                : new Attachment(a.serverUrl(), a.accountId(), a.email(), s.authenticator(), a.hostId(),
                        a.benchmarkGflops(), a.projectKey())));
        events.add(p.serverUrl(), "logged in again as " + s.email());
        synchronized (this) {
            attachments.loggedIn(id);
            attachments.openEngine(p, password);
        }
        policy.execute(this::policyTick);
    }

    /** The app's data directory (the UI keeps its own small settings there). */
    public Path dataDir() {
        return options.dataDir();
    }

    /** The activity chosen last (the status shows it after the next policy step). */
    public synchronized ActivityMode mode() {
        return activity.mode();
    }

    public void setMode(ActivityMode m) {
        synchronized (this) {
            activity = activity.withMode(m);
        }
        events.add("client", "activity: " + m.label());
        policy.execute(this::policyTick);
    }

    /** Holds computing for {@code d} (the app offers an hour); {@link #setMode} ends it earlier. */
    public void snooze(Duration d) {
        synchronized (this) {
            activity = activity.snoozedUntil(clock.instant().plus(d));
        }
        events.add("client", "snoozed for " + d.toMinutes() + " min");
        policy.execute(this::policyTick);
    }

    /** Suspends computing, letting each running task write its next checkpoint first. */
    public void pauseAfterCheckpoint() {
        synchronized (this) {
            activity = activity.pausedAfterCheckpoint();
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
            if (attachments.contains(id)) {
                throw new IllegalStateException("already attached to " + uri + " as " + s.email());
            }
        }
        Path dir = attachments.dir(id);
        Files.createDirectories(dir);
        new StateStore(dir.resolve("state.json"), clock).save(ClientState.empty().withAttachment(
                new Attachment(uri.toString(), s.accountId(), s.email(), s.authenticator(), 0, 0)));
        ProjectSettings p = new ProjectSettings(id, uri.toString(), s.email(), s.accountId(),
                chosen.stream().map(ProjectInfo::id).toList(), chosen.stream().map(ProjectInfo::name).toList(),
                ProjectSettings.DEFAULT_SHARE, false, false);
        events.add(uri.toString(), (create ? "created account " : "logged in as ") + s.email() + "; joined "
                + (chosen.isEmpty() ? "all projects" : p.title()));
        synchronized (this) {
            attachments.put(id, p);
            attachments.save();
            attachments.openEngine(p, password);
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
            engine = attachments.removeEngine(id);
            p = attachments.forget(id);
            if (p == null) {
                return;
            }
            attachments.save();
        }
        attachments.retire(id, p, engine);
    }

    /** Changes one attachment's switches (share, suspended, no new tasks) and stores them. */
    public void update(String id, UnaryOperator<ProjectSettings> change) throws IOException {
        synchronized (this) {
            ProjectSettings p = attachments.get(id);
            if (p == null) {
                return;
            }
            attachments.put(id, change.apply(p));
            attachments.save();
            cores.reallocate();
        }
        policy.execute(this::policyTick);
    }

    /** The engine of an attachment, for per-task actions and "update now". */
    public synchronized Optional<ClientEngine> engine(String id) {
        return Optional.ofNullable(attachments.engine(id));
    }

    public synchronized List<CreditSample> creditHistory() {
        return credit.history();
    }

    // ---------------------------------------------------------------- the policy loop

    private void policyTick() {
        try {
            step();
        } catch (RuntimeException e) {
            events.add("client", "internal error in the policy loop: " + e);
        }
    }

    /** Reads the machine without the monitor (slow OS queries the UI must not wait for), then decides under it. */
    private void step() {
        boolean diskLimited;
        synchronized (this) {
            diskLimited = activity.prefs().diskMaxGb() > 0;
        }
        PolicyReadings.Taken r = readings.read(diskLimited);
        synchronized (this) {
            status = policyStep.step(activity, r);
        }
    }

    /** Polls credit at the next policy step (e.g. after results were reported). */
    public synchronized void refreshCredit() {
        credit.refresh();
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
        credit.close();
        List<ClientEngine> all;
        synchronized (this) {
            all = attachments.removeAllEngines();
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
        return String.format(Locale.ROOT, "ClientManager[%s, %d attachments]", options.dataDir(),
                attachments.size());
    }
}

package org.sparecycles.client.manager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.engine.ClientEngine;
import org.sparecycles.client.engine.EngineFailedException;
import org.sparecycles.client.engine.EngineSettings;
import org.sparecycles.client.events.EventLog;
import org.sparecycles.client.net.ApiException;

/**
 * The attachments, their engines and which of them need the password again; opening an engine, noticing that
 * it gave up on a refused log-in, and the blocking end of a detach. State guarded by the manager's monitor:
 * callers hold it, except where noted.
 */
final class Attachments {
    private final Object monitor;
    private final ManagerOptions options;
    private final Clock clock;
    private final EventLog events;
    private final ProjectsStore store;
    private final Runnable onReported;

    private final Map<String, ProjectSettings> projects = new LinkedHashMap<>();
    private final Map<String, ClientEngine> engines = new HashMap<>();
    private final Map<String, String> loginNeeded = new HashMap<>();

    /**
     * @param monitor    the manager, whose monitor guards this state
     * @param onReported run on an engine's thread when it reported results
     */
    Attachments(Object monitor, ManagerOptions options, Clock clock, EventLog events, ProjectsStore store,
                Runnable onReported) throws IOException {
        this.monitor = monitor;
        this.options = options;
        this.clock = clock;
        this.events = events;
        this.store = store;
        this.onReported = onReported;
        for (ProjectSettings p : store.loadProjects()) {
            projects.put(p.id(), p);
        }
    }

    /** The directory of an attachment, {@code <data-dir>/projects/<id>}. */
    Path dir(String id) {
        return options.dataDir().resolve("projects").resolve(id);
    }

    /** In the order they were attached. */
    Collection<ProjectSettings> projects() {
        return Collections.unmodifiableCollection(projects.values());
    }

    ProjectSettings get(String id) {
        return projects.get(id);
    }

    boolean contains(String id) {
        return projects.containsKey(id);
    }

    void put(String id, ProjectSettings p) {
        projects.put(id, p);
    }

    /** Removes the attachment and its log-in request; null when there was none. */
    ProjectSettings forget(String id) {
        ProjectSettings p = projects.remove(id);
        loginNeeded.remove(id);
        return p;
    }

    int size() {
        return projects.size();
    }

    Map<String, ClientEngine> engines() {
        return Collections.unmodifiableMap(engines);
    }

    ClientEngine engine(String id) {
        return engines.get(id);
    }

    ClientEngine removeEngine(String id) {
        return engines.remove(id);
    }

    List<ClientEngine> removeAllEngines() {
        List<ClientEngine> all = List.copyOf(engines.values());
        engines.clear();
        return all;
    }

    String loginNeeded(String id) {
        return loginNeeded.get(id);
    }

    void loggedIn(String id) {
        loginNeeded.remove(id);
    }

    void save() {
        try {
            store.saveProjects(List.copyOf(projects.values()));
        } catch (IOException e) {
            events.add("client", "cannot save attachments: " + e.getMessage());
        }
    }

    void openEngine(ProjectSettings p, String password) {
        Path dir = dir(p.id());
        try {
            ClientConfig config = ClientConfig.builder().server(p.serverUrl()).email(p.email())
                    .password(password != null ? password : "(saved authenticator)").dataDir(dir)
                    .cores(options.logicalCores()).extraTasks(1)
                    .backoff(Duration.ofSeconds(2), options.maxBackoff()).taskDelay(options.taskDelay()).build();
            ClientEngine engine = ClientEngine.open(config, clock, events);
            engine.apply(new EngineSettings(0, "starting", false, false, Duration.ZERO, 1, p.projectIds()));
            engine.events().addListener(ev -> {
                if (ev.message().startsWith("reported ")) {
                    onReported.run();
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

    /**
     * An engine gave up; a refused log-in makes the app ask for the password instead of failing silently. Runs on
     * the engine's thread and takes the manager's monitor itself.
     */
    private void engineFailed(ProjectSettings p, ClientEngine engine, Throwable error) {
        if (!loginRefused(error)) {
            return; // logged by the engine already; nothing a password fixes
        }
        String why = error.getMessage();
        synchronized (monitor) {
            if (engines.get(p.id()) != engine) {
                return;
            }
            loginNeeded.put(p.id(), "the server refused the saved log-in for " + p.email() + " (" + why + ")");
        }
        events.add(p.serverUrl(), "log-in refused: enter the password of " + p.email() + " to go on");
    }

    /**
     * The server answered the engine's log-in, or the saved authenticator, with 401 (a wrong password, an unknown
     * or expired authenticator): the only failure a password can fix.
     */
    private static boolean loginRefused(Throwable error) {
        return error instanceof EngineFailedException && error.getCause() instanceof ApiException api
                && api.status() == 401;
    }

    /**
     * The blocking end of a detach, without the monitor: gives up and reports the engine's unfinished tasks
     * (waiting at most {@link ClientManager#DETACH_REPORT_WAIT}), closes it and deletes the directory.
     */
    void retire(String id, ProjectSettings p, ClientEngine engine) throws IOException {
        if (engine != null) {
            try {
                int n = engine.giveUpAndReport().get(ClientManager.DETACH_REPORT_WAIT.toMillis(),
                        TimeUnit.MILLISECONDS);
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
        deleteTree(dir(id));
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
}

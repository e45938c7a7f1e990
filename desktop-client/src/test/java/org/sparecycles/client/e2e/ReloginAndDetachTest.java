package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.idle.InputIdleSources;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerOptions;
import org.sparecycles.client.manager.ManagerStatus;
import org.sparecycles.client.net.ApiException;
import org.sparecycles.client.prefs.Preferences;
import org.sparecycles.client.state.Attachment;
import org.sparecycles.client.state.ClientState;
import org.sparecycles.client.state.StateStore;
import org.sparecycles.client.testing.Await;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * Against a real server on port 0: when the server refuses the saved authenticator the manager asks for the
 * password (instead of failing silently) and goes on after it; a detach reports unfinished tasks as given up, so
 * the server takes them back at once.
 */
class ReloginAndDetachTest {
    private static final Duration BOUND = Duration.ofSeconds(90);
    private static final String PASSWORD = "volunteer-password";

    @TempDir
    Path tmp;
    private ProjectServer server;
    private ClientManager manager;

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private ClientManager open(Path data) throws Exception {
        ManagerOptions options = ManagerOptions.defaults(data).withCreditPoll(Duration.ofSeconds(1))
                .withTaskDelay(Duration.ofSeconds(20)).withCores(1); // tasks stay in progress
        ClientManager m = ClientManager.open(options, Clock.systemUTC(), InputIdleSources.unknown());
        m.setPreferences(Preferences.defaults().withComputeWhileInUse(true));
        m.start();
        return m;
    }

    @Test
    void refusedLogInAsksForThePasswordAndDetachReportsUnfinishedTasks() throws Exception {
        server = ProjectServer.start(ServerConfig.builder().port(0).dataDir(tmp.resolve("server"))
                .backgroundIntervalSeconds(1).schedulerRequestDelaySeconds(1).schedulerIdleDelaySeconds(1).build());
        server.accounts().create("researcher@relogin.test", "researcher-password", "R", Set.of(Role.RESEARCHER));
        Researcher researcher = Researcher.logIn(server.baseUri(), "researcher@relogin.test", "researcher-password");
        long project = researcher.createProject("Cells").id();
        researcher.submit(project, List.of("blobs.png", "dotblot.png", "blobs_original_indexed.png"),
                Map.of("sigma", "1", "polarity", "dark", "min_area", "10"), new RedundancyPolicy(1, 1, 3, 6, 86_400), 3);
        Path data = tmp.resolve("client");
        manager = open(data);
        String id = manager.attach(server.baseUri().toString(), "v@relogin.test", PASSWORD, "V", true,
                ClientManager.listProjects(server.baseUri().toString())).id();
        await(() -> running(manager), "no task ran");

        // the server forgets this computer's authenticator (here: the saved one is replaced by a wrong one)
        manager.close();
        Path state = data.resolve("projects").resolve(id).resolve("state.json");
        StateStore store = new StateStore(state, Clock.systemUTC());
        ClientState saved = store.load().state();
        Attachment a = saved.attachment();
        store.save(saved.withAttachment(new Attachment(a.serverUrl(), a.accountId(), a.email(), "0".repeat(64),
                a.hostId(), a.benchmarkGflops(), a.projectKey())));
        manager = open(data);
        await(() -> project(manager).loginNeeded() != null, "the refused log-in was not reported");

        assertThrows(ApiException.class, () -> manager.logIn(id, "wrong-password"));
        manager.logIn(id, PASSWORD);
        await(() -> logged(manager, "resumed result "), "the task did not resume after the log-in");
        await(() -> running(manager), "no task ran after the log-in");
        assertNull(project(manager).loginNeeded());

        manager.detach(id);
        await(() -> manager.events().recent().stream().anyMatch(e -> e.message().matches(
                "detaching: the server took [1-9][0-9]* reports")), "the server did not take the given-up tasks: "
                + manager.events().recent());
    }

    private static boolean logged(ClientManager m, String start) {
        List<String> lines = m.events().recent().stream().map(e -> e.message()).toList();
        int relogin = lines.indexOf(lines.stream().filter(l -> l.startsWith("logged in again")).findFirst()
                .orElse("-"));
        return relogin >= 0 && lines.subList(relogin, lines.size()).stream().anyMatch(l -> l.startsWith(start));
    }

    private static ManagerStatus.Project project(ClientManager m) {
        return m.status().projects().get(0);
    }

    private static boolean running(ClientManager m) {
        return !m.status().projects().isEmpty() && project(m).snapshot() != null
                && project(m).snapshot().tasks().stream().anyMatch(t -> t.state().equals("RUNNING"));
    }

    private static void await(Await.Condition c, String message) throws Exception {
        Supplier<String> why = () -> message;
        Await.until(c, BOUND, why);
    }
}

package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.engine.EngineSnapshot;
import org.sparecycles.client.idle.InputIdleSources;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerOptions;
import org.sparecycles.client.manager.ManagerStatus;
import org.sparecycles.client.prefs.Preferences;
import org.sparecycles.client.testing.Await;
import org.sparecycles.client.testing.Xvfb;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * Real idle detection on a real X server: with "compute only when idle", input made with xdotool stops the
 * running worker (in place, SIGSTOP) within a second, and idleness lets it go on. Writes the measured latency to
 * {@code target/idle-latency.txt} (quoted in docs/benchmarks.md).
 */
class IdleSuspendTest {
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

    @Test
    void inputSuspendsRunningTasksWithinASecondAndIdlenessResumesThem() throws Exception {
        String display = Xvfb.display();
        server = ProjectServer.start(ServerConfig.builder().port(0).dataDir(tmp.resolve("server"))
                .backgroundIntervalSeconds(1).schedulerRequestDelaySeconds(1).schedulerIdleDelaySeconds(1).build());
        server.accounts().create("r@idle.test", "researcher-password", "R", Set.of(Role.RESEARCHER));
        Researcher researcher = Researcher.logIn(server.baseUri(), "r@idle.test", "researcher-password");
        long project = researcher.createProject("Idle").id();
        researcher.submit(project, List.of("blobs.png", "dotblot.png", "blobs_original_indexed.png"),
                Map.of("sigma", "1", "polarity", "dark", "min_area", "10"), new RedundancyPolicy(1, 1, 3, 6, 86_400), 3);

        Path data = tmp.resolve("client");
        manager = ClientManager.open(ManagerOptions.defaults(data).withTaskDelay(Duration.ofSeconds(4)).withCores(1),
                Clock.systemDefaultZone(), InputIdleSources.forDisplay(display));
        manager.setPreferences(Preferences.defaults().withIdleMinutes(0.05)); // idle after 3 s without input
        manager.start();
        Xvfb.xdotool("mousemove", "10", "10");
        manager.attach(server.baseUri().toString(), "v@idle.test", "volunteer-password", "V", true,
                ClientManager.listProjects(server.baseUri().toString()));

        Await.until(() -> computing().isPresent(), Duration.ofSeconds(60),
                () -> "no task computed while idle: " + manager.status());
        long pid = workerPid(data);
        long start = System.nanoTime();
        Xvfb.xdotool("mousemove", "200", "150");
        Await.until(() -> stopped(pid) && held(), Duration.ofSeconds(5),
                () -> "input did not suspend the task: " + manager.status());
        double latency = (System.nanoTime() - start) / 1e9;
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "idle-latency.txt"), String.format(Locale.ROOT,
                "input to suspended worker: %.3f s%n", latency));
        assertTrue(latency < 1.0, "suspended after " + latency + " s");
        assertTrue(manager.status().hold().startsWith("you used the computer"), manager.status().hold());

        Await.until(() -> !stopped(pid) && computing().isPresent(), Duration.ofSeconds(15),
                () -> "idleness did not resume the task: " + manager.status());
    }

    private Optional<EngineSnapshot.TaskView> computing() {
        return manager.status().projects().stream().map(ManagerStatus.Project::snapshot)
                .filter(s -> s != null).flatMap(s -> s.tasks().stream())
                .filter(t -> t.state().equals("RUNNING") && t.holdReason() == null).findFirst();
    }

    private boolean held() {
        return manager.status().projects().stream().map(ManagerStatus.Project::snapshot).filter(s -> s != null)
                .flatMap(s -> s.tasks().stream()).anyMatch(t -> t.state().equals("RUNNING") && t.holdReason() != null);
    }

    private static long workerPid(Path data) throws Exception {
        try (var files = Files.walk(data.resolve("projects"))) {
            Path pid = files.filter(p -> p.getFileName().toString().equals("worker.pid")).findFirst().orElseThrow();
            return Long.parseLong(Files.readString(pid).trim());
        }
    }

    /** Linux: the process state in /proc is T (stopped). */
    private static boolean stopped(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
    }
}

package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.engine.EngineSnapshot;
import org.sparecycles.client.idle.InputIdleSources;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerOptions;
import org.sparecycles.client.manager.ManagerStatus;
import org.sparecycles.client.policy.ActivityMode;
import org.sparecycles.client.prefs.Preferences;
import org.sparecycles.client.testing.Await;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.workunits.protocol.ProjectInfo;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * Two attachments in one running manager, against a real server on port 0 with more work than the buffer holds:
 * with resource shares 2:1 on three cores they compute in about that ratio (weighted round-robin from an even
 * start), and neither fetches more than its buffer (no days of work asked for: one task per core plus one) although
 * the server has twice that for each.
 */
class ResourceShareTest {
    private static final List<String> SAMPLES = List.of("blobs.png", "dotblot.png", "coins.png",
            "blobs_original_indexed.png");
    private static final int CORES = 3;

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
    void sharesTwoToOneGetComputingInAboutThatRatioWithoutOverFetching() throws Exception {
        server = ProjectServer.start(ServerConfig.builder().port(0).dataDir(tmp.resolve("server"))
                .backgroundIntervalSeconds(1).schedulerRequestDelaySeconds(1).schedulerIdleDelaySeconds(1).build());
        server.accounts().create("r@share.test", "researcher-password", "R", Set.of(Role.RESEARCHER));
        Researcher researcher = Researcher.logIn(server.baseUri(), "r@share.test", "researcher-password");
        ProjectInfo big = researcher.createProject("Big share");
        ProjectInfo small = researcher.createProject("Small share");
        for (ProjectInfo p : List.of(big, small)) {
            for (int batch = 0; batch < 2; batch++) { // 8 one-file tasks each: more than a buffer of 4
                researcher.submit(p.id(), SAMPLES, Map.of("sigma", "1", "polarity", "dark", "min_area", "10"),
                        new RedundancyPolicy(1, 1, 3, 6, 86_400), 1);
            }
        }
        ManagerOptions options = ManagerOptions.defaults(tmp.resolve("client")).withCreditPoll(Duration.ofMinutes(5))
                .withTaskDelay(Duration.ofSeconds(40)).withCores(CORES); // tasks last about 40 s
        manager = ClientManager.open(options, Clock.systemUTC(), InputIdleSources.unknown());
        // every core whether in use or not, and no buffer in days: one task per core plus one is the buffer
        Preferences.UsageLimits all = new Preferences.UsageLimits(100, 100, 90, 0);
        manager.setPreferences(new Preferences(true, 3, all, all, true, Preferences.TimeWindow.ALWAYS, Map.of(), 0,
                60, 0, 0));
        manager.setMode(ActivityMode.SUSPENDED); // both fetch first, then compute from the same start
        manager.start();
        String url = server.baseUri().toString();
        String bigId = manager.attach(url, "big@share.test", "volunteer-password", "B", true, List.of(big)).id();
        manager.update(bigId, s -> s.withShare(200));
        String smallId = manager.attach(url, "small@share.test", "volunteer-password", "S", true, List.of(small))
                .id();
        Await.until(() -> ready(bigId) >= 3 && ready(smallId) >= 3, Duration.ofSeconds(60),
                () -> "tasks did not arrive: " + ready(bigId) + " and " + ready(smallId));
        manager.setMode(ActivityMode.ALWAYS);

        Await.until(() -> computing(bigId) == 2 && computing(smallId) == 1, Duration.ofSeconds(60),
                () -> "cores not shared 2:1: " + computing(bigId) + " and " + computing(smallId) + "; tasks "
                        + snapshot(bigId).tasks() + " / " + snapshot(smallId).tasks() + "; events "
                        + manager.events().recent().stream().map(e -> e.message()).toList());
        int bigSamples = 0;
        int smallSamples = 0;
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            bigSamples += computing(bigId);
            smallSamples += computing(smallId);
            assertTrue(queued(bigId) <= CORES + 1 && queued(smallId) <= CORES + 1,
                    "over-fetched: " + queued(bigId) + " and " + queued(smallId) + " tasks queued");
            pause();
        }
        double ratio = (double) bigSamples / smallSamples;
        assertTrue(ratio > 1.6 && ratio < 2.5, "computing ratio " + ratio + " (" + bigSamples + ":" + smallSamples
                + ")");
    }

    /** Waits about 200 ms by polling the clock (no sleeping in tests). */
    private static void pause() throws Exception {
        long until = System.nanoTime() + 200_000_000L;
        Await.until(() -> System.nanoTime() >= until, Duration.ofSeconds(5), () -> "clock");
    }

    private EngineSnapshot snapshot(String id) {
        return manager.status().projects().stream().filter(p -> p.settings().id().equals(id)).findFirst()
                .map(ManagerStatus.Project::snapshot).orElse(null);
    }

    private int computing(String id) {
        EngineSnapshot s = snapshot(id);
        return s == null ? 0 : (int) s.tasks().stream()
                .filter(t -> t.state().equals("RUNNING") && t.holdReason() == null).count();
    }

    private int ready(String id) {
        EngineSnapshot s = snapshot(id);
        return s == null ? 0 : (int) s.tasks().stream().filter(t -> t.state().equals("READY")).count();
    }

    private int queued(String id) {
        EngineSnapshot s = snapshot(id);
        return s == null ? 0 : (int) s.tasks().stream()
                .filter(t -> Set.of("DOWNLOADING", "READY", "RUNNING").contains(t.state())).count();
    }
}

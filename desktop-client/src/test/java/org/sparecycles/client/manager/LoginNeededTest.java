package org.sparecycles.client.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.engine.ClientEngine;
import org.sparecycles.client.engine.EngineFailedException;
import org.sparecycles.client.idle.InputIdleSources;
import org.sparecycles.client.net.ApiException;
import org.sparecycles.client.testing.Await;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.config.ServerConfig;

/**
 * Against a real server on port 0: the app asks for the password only when the server refused the log-in (401);
 * other refusals of the engine's attach step stop the engine without asking for a password that cannot help.
 * (The 401 case, end to end: {@code ReloginAndDetachTest}.)
 */
class LoginNeededTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

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
    void attachRefusedWithout401DoesNotAskForThePassword() throws Exception {
        server = ProjectServer.start(ServerConfig.builder().port(0).dataDir(tmp.resolve("server")).build());
        // an attachment whose state.json was lost, so the engine attaches again, at a URL where the server has no
        // API: account creation and log-in are answered by its web pages' 404
        Path data = tmp.resolve("client");
        Files.createDirectories(data.resolve("projects").resolve("moved"));
        new ProjectsStore(data).saveProjects(List.of(new ProjectSettings("moved", server.baseUri() + "moved",
                "v@login.test", 1, List.of(), List.of(), ProjectSettings.DEFAULT_SHARE, false, false)));
        manager = ClientManager.open(ManagerOptions.defaults(data), Clock.systemUTC(), InputIdleSources.unknown());
        manager.start();
        ClientEngine engine = manager.engine("moved").orElseThrow();

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> engine.terminated().get(BOUND.toSeconds(), TimeUnit.SECONDS));
        EngineFailedException why = assertInstanceOf(EngineFailedException.class, failed.getCause());
        assertEquals(404, assertInstanceOf(ApiException.class, why.getCause()).status());
        assertTrue(logged("fatal: cannot attach: HTTP 404"), () -> "not refused with a 404: " + recent());
        engine.close(); // returns once the engine thread, where the manager hears of the failure, is done
        ManagerStatus before = manager.status();
        Await.until(() -> manager.status() != before, BOUND, () -> "no policy step"); // identity: a later step
        assertNull(manager.status().projects().get(0).loginNeeded());
        assertFalse(logged("log-in refused"), this::recent);
    }

    private boolean logged(String start) {
        return manager.events().recent().stream().anyMatch(e -> e.message().startsWith(start));
    }

    private String recent() {
        return manager.events().recent().toString();
    }
}

package org.sparecycles.client.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.events.ClientEvent;
import org.sparecycles.client.events.EventLog;
import org.sparecycles.client.state.StateStore;
import org.sparecycles.client.state.TaskState;
import org.sparecycles.client.testing.Await;
import org.sparecycles.client.worker.WorkerOutcome;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.AppRunner;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.InputRef;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.samples.SampleImages;

/** The engine's files on disk: cached inputs while tasks need them, and outputs from the slot to the report. */
class EngineFilesTest {
    private static final Map<String, String> PARAMETERS = Map.of("sigma", "1", "polarity", "dark", "min_area", "10");
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path tmp;
    private FakeProjectServer server;
    private final List<ClientEngine> engines = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeProjectServer();
    }

    @AfterEach
    void stopAll() {
        engines.forEach(ClientEngine::close);
        server.close();
    }

    @Test
    void cachedInputIsDeletedOnceNoQueuedTaskNeedsItAndLeftoversAtTheFirstReply() throws Exception {
        InputRef blobs = server.input("blobs.png", SampleImages.bytes("blobs.png"));
        InputRef dotblot = server.input("dotblot.png", SampleImages.bytes("dotblot.png"));
        InputRef coins = server.input("coins.png", SampleImages.bytes("coins.png"));
        Assignment first = assignment(41, List.of(blobs, dotblot));
        Assignment second = assignment(42, List.of(blobs, coins));
        AtomicInteger calls = new AtomicInteger(); // 42 comes with the acknowledgement of 41
        server.scheduler(r -> FakeProjectServer.Answer.ok(FakeProjectServer.acknowledging(r,
                calls.getAndIncrement() == 0 ? List.of(first)
                        : r.reports().stream().anyMatch(p -> p.resultId() == 41) ? List.of(second) : List.of(),
                List.of())));
        ClientConfig config = config().taskDelay(Duration.ofSeconds(2)).build();
        Path cache = config.dataDir().resolve("cache").resolve(InputCache.serverKey(server.uri()));
        String leftoverHash = Sha256.hex("left by an earlier run".getBytes());
        Path leftover = cache.resolve(leftoverHash.substring(0, 2)).resolve(leftoverHash);
        Files.createDirectories(leftover.getParent());
        Files.writeString(leftover, "left by an earlier run");

        ClientEngine engine = start(config);

        Await.until(() -> Files.notExists(leftover), BOUND, () -> log(engine));
        Await.until(() -> Files.isRegularFile(cached(cache, dotblot)), BOUND, () -> log(engine));
        Await.until(() -> Files.notExists(cached(cache, dotblot)), BOUND, () -> log(engine));
        assertEquals(List.of(41L), server.reports().stream().map(ResultReport::resultId).toList());
        assertTrue(Files.isRegularFile(cached(cache, blobs)), "kept for task 42\n" + log(engine));

        Await.until(() -> server.reports().size() == 2, BOUND, () -> log(engine));
        Await.until(() -> Files.notExists(cached(cache, blobs)) && Files.notExists(cached(cache, coins)), BOUND,
                () -> log(engine));
        assertEquals(3, server.fileRequests.get(), "blobs.png was downloaded once for both tasks");
    }

    @Test
    void outputMovedOutOfTheSlotJustBeforeACrashIsReportedWithoutComputingAgain() throws Exception {
        String[] samples = {"blobs.png", "dotblot.png", "coins.png"};
        List<InputRef> inputs = new ArrayList<>();
        for (String s : samples) {
            inputs.add(server.input(s, SampleImages.bytes(s)));
        }
        serveOnce(assignment(43, inputs));
        ClientConfig slow = config().taskDelay(Duration.ofSeconds(30)).build();
        ClientEngine first = start(slow);
        Path slot = slow.dataDir().resolve("slots/0");
        Await.until(() -> Files.exists(slot.resolve("checkpoint.json")), BOUND, () -> log(first));
        first.close();
        // what a crash leaves after the worker finished and the engine moved its output, before the state save
        byte[] output = inProcessOutput(samples);
        Files.write(slow.dataDir().resolve("outputs/43.json"), output);
        Files.write(slot.resolve("result.json"), Json.mapper().writeValueAsBytes(new WorkerOutcome(43,
                Sha256.hex(output), output.length, 1.5, 2.5, 0, List.of(0, 1, 2), null)));
        assertFalse(Files.exists(slot.resolve("output.json")));
        assertEquals(TaskState.RUNNING, new StateStore(slow.dataDir().resolve("state.json"), CLOCK).load().state()
                .task(43).orElseThrow().state());

        ClientEngine second = start(config().build());

        Await.until(() -> !server.reports().isEmpty(), BOUND, () -> log(second));
        assertTrue(logged(second, "result 43 had finished before the restart"), log(second));
        assertFalse(logged(second, "resumed result 43"), log(second));
        ResultReport report = server.reports().get(0);
        assertEquals(ResultReport.SUCCESS, report.outcome(), report::toString);
        assertEquals(Sha256.hex(output), report.outputSha256());
        assertArrayEquals(output, server.uploads.get(43L));
    }

    @Test
    void finishedWorkersOutputLeavesTheSlotAndIsGoneOnceReported() throws Exception {
        serveOnce(assignment(44, List.of(server.input("blobs.png", SampleImages.bytes("blobs.png")))));
        ClientConfig config = config().build();

        ClientEngine engine = start(config);

        Await.until(() -> !server.reports().isEmpty(), BOUND, () -> log(engine));
        Await.until(() -> logged(engine, "reported 1 results"), BOUND, () -> log(engine));
        assertArrayEquals(inProcessOutput("blobs.png"), server.uploads.get(44L));
        assertFalse(Files.exists(config.dataDir().resolve("slots/0/output.json")), "the slot was emptied");
        assertFalse(Files.exists(config.dataDir().resolve("outputs/44.json")), "deleted once acknowledged");
    }

    private ClientConfig.Builder config() {
        return ClientConfig.builder().server(server.uri().toString()).email("v@example.org").password("pw")
                .dataDir(tmp.resolve("client")).cores(1).extraTasks(1)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200));
    }

    private ClientEngine start(ClientConfig config) throws IOException {
        Files.createDirectories(config.dataDir());
        ClientEngine engine = ClientEngine.open(config, CLOCK,
                new EventLog(CLOCK, config.dataDir().resolve("events.log"), null));
        engines.add(engine);
        engine.start();
        return engine;
    }

    private static Assignment assignment(long id, List<InputRef> inputs) {
        return new Assignment(id, "wu_" + id + "_0", 100 + id, "particle-count", "1.0", PARAMETERS, inputs,
                CLOCK.instant().plus(Duration.ofDays(1)), 1 << 20, 128L << 20, 5, "/api/v1/results/" + id + "/output");
    }

    /** Hands out the assignments once, then acknowledges reports and hands out nothing more. */
    private void serveOnce(Assignment... assignments) {
        AtomicInteger calls = new AtomicInteger();
        server.scheduler(r -> FakeProjectServer.Answer.ok(FakeProjectServer.acknowledging(r,
                calls.getAndIncrement() == 0 ? List.of(assignments) : List.of(), List.of())));
    }

    private static Path cached(Path cache, InputRef input) {
        return cache.resolve(input.sha256().substring(0, 2)).resolve(input.sha256());
    }

    private static byte[] inProcessOutput(String... samples) throws Exception {
        ScienceApp app = AppRegistry.builtIn().find("particle-count").orElseThrow();
        List<InputFile> inputs = new ArrayList<>();
        for (String s : samples) {
            inputs.add(new InputFile(s, SampleImages.bytes(s)));
        }
        return AppRunner.run(app, app.parseParameters(PARAMETERS), inputs);
    }

    private static boolean logged(ClientEngine engine, String text) {
        return engine.events().recent().stream().map(ClientEvent::message).anyMatch(m -> m.contains(text));
    }

    private static String log(ClientEngine engine) {
        StringBuilder sb = new StringBuilder();
        engine.events().recent().forEach(e -> sb.append(e.line()).append('\n'));
        return sb.toString();
    }
}

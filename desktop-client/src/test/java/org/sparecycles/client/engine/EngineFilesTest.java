package org.sparecycles.client.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparecycles.client.engine.EngineTests.BOUND;
import static org.sparecycles.client.engine.EngineTests.inProcessOutput;
import static org.sparecycles.client.engine.EngineTests.log;
import static org.sparecycles.client.engine.EngineTests.logged;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.state.StateStore;
import org.sparecycles.client.state.TaskState;
import org.sparecycles.client.testing.Await;
import org.sparecycles.client.worker.WorkerOutcome;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.InputRef;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.samples.SampleImages;

/** The engine's files on disk: cached inputs while tasks need them, and outputs from the slot to the report. */
class EngineFilesTest {
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
        server.serveOnce(assignment(43, inputs));
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
        server.serveOnce(assignment(44, List.of(server.input("blobs.png", SampleImages.bytes("blobs.png")))));
        ClientConfig config = config().build();

        ClientEngine engine = start(config);

        Await.until(() -> !server.reports().isEmpty(), BOUND, () -> log(engine));
        Await.until(() -> logged(engine, "reported 1 results"), BOUND, () -> log(engine));
        assertArrayEquals(inProcessOutput("blobs.png"), server.uploads.get(44L));
        assertFalse(Files.exists(config.dataDir().resolve("slots/0/output.json")), "the slot was emptied");
        assertFalse(Files.exists(config.dataDir().resolve("outputs/44.json")), "deleted once acknowledged");
    }

    private ClientConfig.Builder config() {
        return EngineTests.config(server, tmp.resolve("client")).extraTasks(1);
    }

    private ClientEngine start(ClientConfig config) throws IOException {
        ClientEngine engine = EngineTests.open(config, CLOCK);
        engines.add(engine);
        engine.start();
        return engine;
    }

    private static Assignment assignment(long id, List<InputRef> inputs) {
        return EngineTests.assignment(id, inputs, CLOCK.instant().plus(Duration.ofDays(1)), 1 << 20);
    }

    private static Path cached(Path cache, InputRef input) {
        return cache.resolve(input.sha256().substring(0, 2)).resolve(input.sha256());
    }
}

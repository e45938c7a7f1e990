package org.sparecycles.client.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparecycles.client.engine.EngineTests.BOUND;
import static org.sparecycles.client.engine.EngineTests.inProcessOutput;
import static org.sparecycles.client.engine.EngineTests.log;
import static org.sparecycles.client.engine.EngineTests.logged;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.events.ClientEvent;
import org.sparecycles.client.state.StateStore;
import org.sparecycles.client.state.TaskState;
import org.sparecycles.client.testing.Await;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.InputRef;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.protocol.SchedulerRequest;
import org.sparecycles.workunits.samples.SampleImages;

/** The engine against a hand-written fake server, with real worker processes on real sample images. */
class ClientEngineTest {
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

    private ClientConfig.Builder config() {
        return EngineTests.config(server, tmp.resolve("client"));
    }

    private ClientEngine start(ClientConfig config) throws IOException {
        return start(config, CLOCK);
    }

    private ClientEngine start(ClientConfig config, Clock clock) throws IOException {
        ClientEngine engine = EngineTests.open(config, clock);
        engines.add(engine);
        engine.start();
        return engine;
    }

    private static Assignment assignment(long id, List<InputRef> inputs, Instant deadline) {
        return EngineTests.assignment(id, inputs, deadline, 1 << 20);
    }

    private Assignment sampleAssignment(long id, String... samples) {
        List<InputRef> inputs = new ArrayList<>();
        for (String s : samples) {
            inputs.add(server.input(s, SampleImages.bytes(s)));
        }
        return assignment(id, inputs, CLOCK.instant().plus(Duration.ofDays(1)));
    }

    @Test
    void computesUploadsAndReportsATaskAfterLoggingInToATakenAccount() throws Exception {
        server.serveOnce(sampleAssignment(21, "blobs.png", "dotblot.png"));

        ClientEngine engine = start(config().build());

        Await.until(() -> !server.reports().isEmpty(), BOUND, () -> log(engine));
        ResultReport report = server.reports().get(0);
        assertEquals(ResultReport.SUCCESS, report.outcome(), report::toString);
        byte[] uploaded = server.uploads.get(21L);
        assertArrayEquals(inProcessOutput("blobs.png", "dotblot.png"), uploaded);
        assertEquals(Sha256.hex(uploaded), report.outputSha256());
        assertEquals(uploaded.length, report.outputSize());
        assertTrue(report.cpuSeconds() > 0 && report.elapsedSeconds() > 0, report::toString);
        assertEquals(5, server.requests.get(0).hostId());
        Await.until(() -> logged(engine, "reported 1 results"), BOUND, () -> log(engine));
        for (String line : List.of("logged in as v@example.org", "attached to " + server.uri() + " as account 11",
                "registered host 5", "got 1 tasks", "started result 21 (wu_21_0) in slot 0", "task 21 finished in",
                "uploaded output of result 21")) {
            assertTrue(logged(engine, line), line + " missing from\n" + log(engine));
        }
        Await.until(() -> engine.snapshot().tasks().stream().anyMatch(t -> t.resultId() == 21
                && t.state().equals("REPORTED")), BOUND, () -> engine.snapshot().toString());
        assertTrue(Files.readString(tmp.resolve("client/events.log")).contains("reported 1 results"));
    }

    @Test
    void aWorkerServesItsSlotsNextTaskAndLeavesWhenNoneFollows() throws Exception {
        server.serveOnce(sampleAssignment(31, "blobs.png", "dotblot.png"), sampleAssignment(32, "coins.png"));

        ClientEngine engine = start(config().build());

        Await.until(() -> server.reports().size() == 2, BOUND, () -> log(engine));
        assertTrue(server.reports().stream().allMatch(r -> r.outcome().equals(ResultReport.SUCCESS)),
                server.reports()::toString);
        assertArrayEquals(inProcessOutput("coins.png"), server.uploads.get(32L));
        List<String> starts = engine.events().recent().stream().map(ClientEvent::message)
                .filter(m -> m.startsWith("started result ")).toList();
        assertEquals(2, starts.size(), log(engine));
        assertEquals(1, starts.stream().filter(m -> m.endsWith("in slot 0")).count(), log(engine));
        assertEquals(1, starts.stream().filter(m -> m.endsWith("in slot 0 by the worker of the task before"))
                .count(), "the second task ran in the first one's worker:\n" + log(engine));
        // no task follows: the waiting worker is dismissed while the engine runs on
        Await.until(() -> workers().isEmpty(), BOUND, () -> "workers still running: " + workers());
        assertFalse(engine.snapshot().status().equals("computing"), engine.snapshot()::toString);
        // with its last worker gone, the running client writes cpu.json, the worker's whole CPU in it
        Path ledger = tmp.resolve("client/cpu.json");
        Await.until(() -> Files.isRegularFile(ledger)
                && Json.mapper().readTree(ledger.toFile()).get("tasksMeasured").asInt() == 2, BOUND,
                () -> "no cpu.json with both tasks while running:\n" + log(engine));
        JsonNode running = Json.mapper().readTree(ledger.toFile());
        assertEquals(1, running.get("workersStarted").asInt(), running.toString());
        double app = running.get("appSeconds").asDouble();
        assertTrue(app > 0 && running.get("workerProcessesSeconds").asDouble() > app, running.toString());

        engine.close();
        JsonNode cpu = Json.mapper().readTree(ledger.toFile());
        assertEquals(1, cpu.get("workersStarted").asInt(), cpu.toString());
        assertEquals(2, cpu.get("tasksMeasured").asInt(), cpu.toString());
        assertEquals(app, cpu.get("appSeconds").asDouble(), "no worker ran after the running copy:\n" + cpu);
        assertTrue(cpu.get("clientSeconds").asDouble() >= running.get("clientSeconds").asDouble(), cpu.toString());
    }

    @Test
    void aTaskAskingForAnotherHeapGetsAWorkerOfItsOwn() throws Exception {
        Assignment small = sampleAssignment(34, "blobs.png");
        Assignment larger = withHeap(sampleAssignment(35, "dotblot.png"), 256);
        server.serveOnce(small, larger);

        ClientEngine engine = start(config().build());

        Await.until(() -> server.reports().size() == 2, BOUND, () -> log(engine));
        assertTrue(server.reports().stream().allMatch(r -> r.outcome().equals(ResultReport.SUCCESS)),
                server.reports()::toString);
        assertFalse(logged(engine, "by the worker of the task before"), log(engine));
        engine.close();
        JsonNode cpu = Json.mapper().readTree(tmp.resolve("client/cpu.json").toFile());
        assertEquals(2, cpu.get("workersStarted").asInt(), "a 128 MiB worker cannot serve a 256 MiB task: " + cpu);
    }

    @Test
    void aTaskGoesToTheSlotWhoseWaitingWorkerHasItsHeap() throws Exception {
        Assignment quick = sampleAssignment(36, "blobs_original_indexed.png");
        Assignment slower = withHeap(sampleAssignment(37, "blobs.png", "dotblot.png", "coins.png"), 256);
        Assignment next = withHeap(sampleAssignment(38, "coins.png"), 256);
        AtomicBoolean sent = new AtomicBoolean();
        // the third task comes with the report of the 256 MiB one, once slot 0 is free and slot 1's worker waits
        server.scheduler(r -> FakeProjectServer.Answer.ok(FakeProjectServer.acknowledging(r,
                r.reports().isEmpty() && !sent.getAndSet(true) ? List.of(quick, slower)
                        : r.reports().stream().anyMatch(x -> x.resultId() == 37) ? List.of(next) : List.of(),
                List.of())));

        ClientEngine engine = start(config().cores(2).taskDelay(Duration.ofMillis(300)).build());

        Await.until(() -> server.reports().stream().anyMatch(x -> x.resultId() == 38), BOUND, () -> log(engine));
        assertTrue(logged(engine, "started result 36 (wu_36_0) in slot 0"), log(engine));
        assertTrue(logged(engine, "started result 37 (wu_37_0) in slot 1"), log(engine));
        assertTrue(logged(engine, "started result 38 (wu_38_0) in slot 1 by the worker of the task before"),
                "the free slot 0 has no worker of 256 MiB; slot 1's waits:\n" + log(engine));
        assertTrue(server.reports().stream().allMatch(x -> x.outcome().equals(ResultReport.SUCCESS)),
                server.reports()::toString);
    }

    @Test
    void anInputTwoTasksShareIsDownloadedOnceAndBothTasksReadAllOfIt() throws Exception {
        server.fileStallMillis = 400; // the two downloads would overlap
        server.serveOnce(sampleAssignment(61, "blobs.png"), sampleAssignment(62, "blobs.png"));

        ClientEngine engine = start(config().cores(2).build());

        Await.until(() -> server.reports().size() == 2, BOUND, () -> log(engine));
        assertTrue(server.reports().stream().allMatch(r -> r.outcome().equals(ResultReport.SUCCESS)),
                server.reports()::toString);
        assertArrayEquals(inProcessOutput("blobs.png"), server.uploads.get(61L));
        assertArrayEquals(inProcessOutput("blobs.png"), server.uploads.get(62L));
        assertEquals(1, server.fileRequests.get(), "the second task waited for the first one's download:\n"
                + log(engine));
        assertFalse(logged(engine, "retrying"), log(engine));
    }

    private static Assignment withHeap(Assignment a, long megabytes) {
        return new Assignment(a.resultId(), a.resultName(), a.workUnitId(), a.app(), a.appVersion(), a.parameters(),
                a.inputs(), a.deadline(), a.maxOutputBytes(), megabytes << 20, a.estimatedSeconds(), a.uploadUrl());
    }

    @Test
    void aWaitingWorkerIsDismissedAtOnceWhenComputingIsHeld() throws Exception {
        server.serveOnce(sampleAssignment(33, "blobs.png"));
        // the engine's clock stands still, so the worker's 5 s of waiting never pass: only the hold can end it
        ClientEngine engine = start(config().build(), Clock.fixed(CLOCK.instant(), java.time.ZoneOffset.UTC));
        Await.until(() -> logged(engine, "task 33 finished in"), BOUND, () -> log(engine));
        assertEquals(1, workers().size(), "the worker waits for a next task: " + workers());

        EngineSettings running = engine.settings();
        engine.apply(new EngineSettings(running.maxRunning(), "computer in use", false, false, running.minBuffer(),
                running.extraTasks(), running.projects()));

        Await.until(() -> workers().isEmpty(), BOUND, () -> "workers still running: " + workers());
    }

    /** Worker processes among this JVM's descendants (the engine runs in it). */
    private static List<ProcessHandle> workers() {
        return ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("")
                .contains("sparecycles.worker=")).toList();
    }

    @Test
    void inputThatNeverMatchesItsHashIsReportedAsClientErrorAfterThreeAttempts() throws Exception {
        InputRef good = server.input("blobs.png", SampleImages.bytes("blobs.png"));
        server.files.put(good.sha256(), "tampered".getBytes());
        server.serveOnce(assignment(22, List.of(good), CLOCK.instant().plus(Duration.ofDays(1))));

        ClientEngine engine = start(config().build());

        Await.until(() -> !server.reports().isEmpty(), BOUND, () -> log(engine));
        ResultReport report = server.reports().get(0);
        assertEquals(ResultReport.CLIENT_ERROR, report.outcome());
        assertTrue(report.errorMessage().startsWith("download failed: blobs.png: download failed the integrity check"
                + " 3 times"), report.errorMessage());
        assertEquals(3, server.fileRequests.get());
        assertTrue(server.uploads.isEmpty());
    }

    @Test
    void taskWhoseDeadlinePassedIsNotStartedAndReportedAsClientError() throws Exception {
        InputRef in = server.input("blobs.png", SampleImages.bytes("blobs.png"));
        server.serveOnce(assignment(23, List.of(in), CLOCK.instant().minus(Duration.ofMinutes(1))));

        ClientEngine engine = start(config().build());

        Await.until(() -> !server.reports().isEmpty(), BOUND, () -> log(engine));
        assertEquals(new ResultReport(23, ResultReport.CLIENT_ERROR, null, 0, 0, 0,
                "deadline passed before the task started"), server.reports().get(0));
        assertFalse(logged(engine, "started result 23"), log(engine));
    }

    @Test
    void backsOffOnServerErrorsAndCarriesOnWhenTheServerIsBack() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Assignment a = sampleAssignment(24, "blobs.png");
        server.scheduler(r -> calls.incrementAndGet() <= 2
                ? new FakeProjectServer.Answer(503, new org.sparecycles.workunits.protocol.ApiError("unavailable",
                "database restarting"))
                : FakeProjectServer.Answer.ok(FakeProjectServer.acknowledging(r,
                calls.get() == 3 ? List.of(a) : List.of(), List.of())));

        ClientEngine engine = start(config().build());

        Await.until(() -> !server.reports().isEmpty(), BOUND, () -> log(engine));
        assertEquals(ResultReport.SUCCESS, server.reports().get(0).outcome());
        assertTrue(logged(engine, "s: HTTP 503 unavailable: database restarting"), log(engine));
        assertTrue(engine.events().recent().stream().map(ClientEvent::message)
                .filter(m -> m.startsWith("retrying in ")).count() >= 2, log(engine));
        List<Boolean> resync = server.requests.stream().map(SchedulerRequest::resync).toList();
        assertEquals(List.of(true, true, true, false), resync.subList(0, 4), () -> "the run's first request and each"
                + " one after a request without a reply ask the server to send lost work again: " + resync);
    }

    @Test
    void taskCancelledByTheServerIsStoppedAndNeverReported() throws Exception {
        Assignment a = sampleAssignment(25, "blobs.png", "dotblot.png");
        AtomicInteger calls = new AtomicInteger();
        server.scheduler(r -> FakeProjectServer.Answer.ok(FakeProjectServer.acknowledging(r,
                calls.incrementAndGet() == 1 ? List.of(a) : List.of(),
                calls.get() >= 2 && r.inProgress().contains(25L) ? List.of(25L) : List.of())));

        // the worker pauses long after its first file, so it is still running when the cancellation comes
        ClientEngine engine = start(config().extraTasks(1).taskDelay(Duration.ofSeconds(30)).build());

        Await.until(() -> logged(engine, "result 25 cancelled by the server"), BOUND, () -> log(engine));
        Await.until(() -> engine.snapshot().tasks().stream().anyMatch(t -> t.resultId() == 25
                && t.state().equals(TaskState.ABORTED.name())), BOUND, () -> engine.snapshot().toString());
        int requestsSoFar = server.requests.size();
        Await.until(() -> server.requests.size() > requestsSoFar + 1, BOUND, () -> log(engine));
        assertTrue(server.reports().isEmpty(), server.reports()::toString);
        assertTrue(server.uploads.isEmpty());
    }

    @Test
    void taskCancelledWhileStoppedInPlaceNoLongerCountsAgainstTheNextTask() throws Exception {
        Assignment first = sampleAssignment(28, "blobs.png", "dotblot.png");
        Assignment next = sampleAssignment(29, "blobs.png", "dotblot.png");
        AtomicBoolean cancel = new AtomicBoolean();
        AtomicInteger calls = new AtomicInteger();
        server.scheduler(r -> {
            boolean cancelNow = cancel.get() && r.inProgress().contains(28L);
            return FakeProjectServer.Answer.ok(FakeProjectServer.acknowledging(r,
                    calls.incrementAndGet() == 1 ? List.of(first) : cancelNow ? List.of(next) : List.of(),
                    cancelNow ? List.of(28L) : List.of()));
        });
        // asking for one task more keeps the client contacting the server, which is where cancellations come
        ClientEngine engine = start(config().extraTasks(1).taskDelay(Duration.ofSeconds(30)).build());
        Await.until(() -> logged(engine, "started result 28"), BOUND, () -> log(engine));

        // held: the worker is stopped in place (SIGSTOP), then the server cancels its result
        EngineSettings running = engine.settings();
        engine.apply(new EngineSettings(running.maxRunning(), "computer in use", false, false, running.minBuffer(),
                running.extraTasks(), running.projects()));
        Await.until(() -> engine.snapshot().status().startsWith("suspended"), BOUND, () -> log(engine));
        cancel.set(true);
        Await.until(() -> logged(engine, "result 28 cancelled by the server"), BOUND, () -> log(engine));

        engine.apply(running);
        Await.until(() -> logged(engine, "started result 29"), BOUND, () -> log(engine));
        Await.until(() -> engine.snapshot().status().equals("computing"), BOUND,
                () -> engine.snapshot().status() + "\n" + log(engine));
    }

    @Test
    void restartedEngineResumesARunningTaskFromItsCheckpoint() throws Exception {
        server.serveOnce(sampleAssignment(26, "blobs.png", "dotblot.png", "coins.png"));
        ClientConfig slow = config().taskDelay(Duration.ofSeconds(30)).build();
        ClientEngine first = start(slow);
        Path checkpoint = slow.dataDir().resolve("slots/0/checkpoint.json");
        Await.until(() -> Files.exists(checkpoint), BOUND, () -> log(first));
        first.close(); // stops the worker mid-task, saves the state

        assertEquals(TaskState.RUNNING, new StateStore(slow.dataDir().resolve("state.json"), CLOCK).load().state()
                .task(26).orElseThrow().state());
        ClientEngine second = start(config().build());

        Await.until(() -> !server.reports().isEmpty(), BOUND, () -> log(second));
        assertTrue(logged(second, "resumed result 26 from checkpoint after 1 of 3 files"), log(second));
        assertEquals(ResultReport.SUCCESS, server.reports().get(0).outcome());
        assertArrayEquals(inProcessOutput("blobs.png", "dotblot.png", "coins.png"), server.uploads.get(26L));
        assertEquals(1, server.accountCreations.get(), "the second start reused the saved attachment");
    }

    @Test
    void hostTheServerForgotIsRegisteredAgain() throws Exception {
        Assignment a = sampleAssignment(27, "blobs.png");
        server.scheduler(r -> r.hostId() == 5
                ? new FakeProjectServer.Answer(404, new org.sparecycles.workunits.protocol.ApiError("not_found",
                "no host 5"))
                : FakeProjectServer.Answer.ok(FakeProjectServer.acknowledging(r,
                r.reports().isEmpty() ? List.of(a) : List.of(), List.of())));

        ClientEngine engine = start(config().build());

        Await.until(() -> !server.reports().isEmpty(), BOUND, () -> log(engine));
        assertEquals(2, server.hostRegistrations.get());
        assertTrue(logged(engine, "server does not know host 5; registering again"), log(engine));
        assertTrue(logged(engine, "registered host 6"), log(engine));
        assertEquals(6, server.requests.get(server.requests.size() - 1).hostId());
    }

    @Test
    void waitsAtLeastWhatTheServersRetryAfterAsksBeforeTheNextRequest() throws Exception {
        List<Long> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        Assignment a = sampleAssignment(26, "blobs.png");
        server.scheduler(r -> {
            calls.add(System.nanoTime());
            return calls.size() == 1
                    ? new FakeProjectServer.Answer(503, new org.sparecycles.workunits.protocol.ApiError("overloaded",
                    "the server is busy"), Map.of("Retry-After", "2"))
                    : FakeProjectServer.Answer.ok(FakeProjectServer.acknowledging(r,
                    calls.size() == 2 ? List.of(a) : List.of(), List.of()));
        });

        // the client's own backoff would retry within 200 ms; the server asked for 2 s
        ClientEngine engine = start(config().build());

        Await.until(() -> !server.reports().isEmpty(), BOUND, () -> log(engine));
        assertEquals(ResultReport.SUCCESS, server.reports().get(0).outcome());
        long waited = calls.get(1) - calls.get(0);
        assertTrue(waited >= Duration.ofSeconds(2).toNanos(), "retried after " + waited / 1_000_000 + " ms");
        assertTrue(waited < Duration.ofSeconds(10).toNanos(), "retried after " + waited / 1_000_000 + " ms");
        assertTrue(logged(engine, "retrying in 2 s: HTTP 503 overloaded: the server is busy")
                || logged(engine, "retrying in 3 s: HTTP 503 overloaded: the server is busy"), log(engine));
    }

    @Test
    void clientWhoseClockRunsAheadComputesTasksWithinTheServersDeadline() throws Exception {
        // the deadline is a day away on the server's clock; the client's clock is two days ahead of it
        server.serveOnce(sampleAssignment(27, "blobs.png"));
        Clock ahead = Clock.offset(CLOCK, Duration.ofDays(2));

        ClientEngine engine = start(config().build(), ahead);

        Await.until(() -> !server.reports().isEmpty(), BOUND, () -> log(engine));
        assertEquals(ResultReport.SUCCESS, server.reports().get(0).outcome(), () -> log(engine));
        assertFalse(logged(engine, "deadline passed"), log(engine));
        Instant shown = engine.snapshot().tasks().get(0).deadline();
        assertTrue(shown.isAfter(ahead.instant().plus(Duration.ofHours(23))), "deadline on the client's clock: "
                + shown);
    }

    @Test
    void clientWhoseClockLagsStillSeesTheServersDeadlinePass() throws Exception {
        // the deadline passed a minute ago on the server's clock; the client's clock is a day behind it
        InputRef in = server.input("blobs.png", SampleImages.bytes("blobs.png"));
        server.serveOnce(assignment(28, List.of(in), CLOCK.instant().minus(Duration.ofMinutes(1))));

        ClientEngine engine = start(config().build(), Clock.offset(CLOCK, Duration.ofDays(-1)));

        Await.until(() -> !server.reports().isEmpty(), BOUND, () -> log(engine));
        assertEquals("deadline passed before the task started", server.reports().get(0).errorMessage());
    }
}

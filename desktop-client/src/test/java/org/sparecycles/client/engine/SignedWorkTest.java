package org.sparecycles.client.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparecycles.client.engine.EngineTests.BOUND;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.state.StateStore;
import org.sparecycles.client.testing.Await;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.InputRef;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.samples.SampleImages;
import org.sparecycles.workunits.signing.AssignmentSignatures;
import org.sparecycles.workunits.signing.ProjectSigner;

/** The engine pins the project key and refuses work that is unsigned, tampered or signed by another key. */
class SignedWorkTest {
    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path tmp;
    private FakeProjectServer server;
    private ClientEngine engine;

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeProjectServer();
    }

    @AfterEach
    void stopAll() {
        if (engine != null) {
            engine.close();
        }
        server.close();
    }

    @Test
    void refusesUnsignedTamperedAndForgedAssignmentsSayingWhyAndRunsTheSignedOne() throws Exception {
        InputRef input = server.input("blobs.png", SampleImages.bytes("blobs.png"));
        Assignment unsigned = assignment(31, input, 1 << 20).withSignature("");
        Assignment signed = AssignmentSignatures.sign(FakeProjectServer.SIGNER, assignment(32, input, 1 << 20));
        Assignment tampered = new Assignment(signed.resultId() + 1, signed.resultName(), signed.workUnitId(),
                signed.app(), signed.appVersion(), Map.of("sigma", "8", "polarity", "dark", "min_area", "10"),
                signed.inputs(), signed.deadline(), signed.maxOutputBytes(), signed.memoryBoundBytes(),
                signed.estimatedSeconds(), "/api/v1/results/33/output", signed.signature());
        Assignment forged = AssignmentSignatures.sign(ProjectSigner.generate(), assignment(34, input, 1 << 20));
        server.serveOnce(unsigned, tampered, forged, signed);

        engine = start();

        Await.until(() -> !server.reports().isEmpty(), BOUND, this::log);
        assertEquals(List.of(32L), server.reports().stream().map(ResultReport::resultId).toList());
        assertEquals(ResultReport.SUCCESS, server.reports().get(0).outcome());
        assertTrue(logged("pinned project key " + FakeProjectServer.SIGNER.publicKey().fingerprint()), log());
        assertTrue(logged("refused task 31 (wu_31_0): it is not signed"), log());
        assertTrue(logged("refused task 33 (wu_32_0): its signature does not match the project key"), log());
        assertTrue(logged("refused task 34 (wu_34_0): its signature does not match the project key"), log());
        assertFalse(server.uploads.containsKey(33L) || server.uploads.containsKey(34L));
        String saved = Files.readString(tmp.resolve("client/state.json"));
        assertTrue(saved.contains(FakeProjectServer.SIGNER.publicKey().encoded()), "the key is pinned in the state");
    }

    @Test
    void tasksSignedTogetherAreAllRefusedWhenOneWasChangedAndAllTakenWhenTheSignatureHolds() throws Exception {
        InputRef input = server.input("blobs.png", SampleImages.bytes("blobs.png"));
        Assignment first = assignment(51, input, 1 << 20);
        Assignment second = assignment(52, input, 1 << 20);
        String signature = AssignmentSignatures.signTogether(FakeProjectServer.SIGNER, List.of(first, second));
        Assignment changed = new Assignment(second.resultId(), second.resultName(), second.workUnitId(), second.app(),
                second.appVersion(), Map.of("sigma", "8", "polarity", "dark", "min_area", "10"), second.inputs(),
                second.deadline(), second.maxOutputBytes(), second.memoryBoundBytes(), second.estimatedSeconds(),
                second.uploadUrl());
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        server.scheduler(r -> {
            int call = calls.getAndIncrement();
            if (call == 0) { // one signature over both, but the second was changed on the way
                var reply = FakeProjectServer.acknowledging(r, List.of(first, changed), List.of());
                return FakeProjectServer.Answer.ok(new SchedulerReply(reply.assignments(), reply.acknowledged(),
                        reply.cancelled(), reply.messages(), 0, null, signature));
            }
            // the fake signs this one together, as the server does when the request asks
            return FakeProjectServer.Answer.ok(FakeProjectServer.acknowledging(r,
                    call == 1 ? List.of(assignment(53, input, 1 << 20)) : List.of(), List.of()));
        });

        engine = start();

        Await.until(() -> !server.reports().isEmpty(), BOUND, this::log);
        assertTrue(server.requests.stream().allMatch(r -> r.signedTogether()), "the client asks for one signature");
        assertEquals(List.of(53L), server.reports().stream().map(ResultReport::resultId).toList());
        assertEquals(ResultReport.SUCCESS, server.reports().get(0).outcome());
        for (long refused : List.of(51L, 52L)) {
            assertTrue(logged("refused task " + refused + " (wu_" + refused + "_0): the signature over the reply's 2"
                    + " tasks: its signature does not match the project key"), log());
        }
        assertFalse(server.uploads.containsKey(51L) || server.uploads.containsKey(52L));
    }

    @Test
    void outputAboveTheSignedLimitIsNotUploadedButReportedAsAnError() throws Exception {
        InputRef input = server.input("blobs.png", SampleImages.bytes("blobs.png"));
        server.serveOnce(AssignmentSignatures.sign(FakeProjectServer.SIGNER, assignment(41, input, 64)));

        engine = start();

        Await.until(() -> !server.reports().isEmpty(), BOUND, this::log);
        ResultReport report = server.reports().get(0);
        assertEquals(ResultReport.CLIENT_ERROR, report.outcome(), report::toString);
        assertTrue(report.errorMessage().contains("larger than the signed limit of 64 bytes"), report::toString);
        assertTrue(server.uploads.isEmpty());
    }

    @Test
    void savedAttachmentWithoutAKeyPinsOneAtTheNextStart() throws Exception {
        ClientConfig config = config();
        Files.createDirectories(config.dataDir());
        new StateStore(config.dataDir().resolve("state.json"), CLOCK).save(
                org.sparecycles.client.state.ClientState.empty().withAttachment(
                        new org.sparecycles.client.state.Attachment(config.serverText(), 11, "v@example.org",
                                FakeProjectServer.TOKEN, 5, 1.0)));
        InputRef input = server.input("blobs.png", SampleImages.bytes("blobs.png"));
        server.serveOnce(AssignmentSignatures.sign(FakeProjectServer.SIGNER, assignment(51, input, 1 << 20)));

        engine = start(config);

        Await.until(() -> !server.reports().isEmpty(), BOUND, this::log);
        assertEquals(ResultReport.SUCCESS, server.reports().get(0).outcome());
        assertTrue(logged("pinned project key"), log());
    }

    private static Assignment assignment(long id, InputRef input, long maxOutputBytes) {
        return EngineTests.assignment(id, List.of(input), CLOCK.instant().plus(Duration.ofDays(1)), maxOutputBytes);
    }

    private ClientConfig config() {
        return EngineTests.config(server, tmp.resolve("client")).build();
    }

    private ClientEngine start() throws IOException {
        return start(config());
    }

    private ClientEngine start(ClientConfig config) throws IOException {
        ClientEngine e = EngineTests.open(config, CLOCK);
        e.start();
        return e;
    }

    private boolean logged(String text) {
        return EngineTests.logged(engine, text);
    }

    private String log() {
        return EngineTests.log(engine);
    }
}

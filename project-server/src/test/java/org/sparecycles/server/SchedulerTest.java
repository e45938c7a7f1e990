package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.protocol.ApiError;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.InputRef;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;
import org.sparecycles.workunits.samples.SampleImages;

class SchedulerTest {
    static final byte[] OUTPUT = "{\"files\":[]}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;
    TestServer t;
    Api researcher;
    long project;

    @BeforeEach
    void start() {
        t = TestServer.start(tmp.resolve("data"));
        researcher = t.researcher();
        project = t.project(researcher);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void assignmentCarriesInputsParametersAndDeadlineFromTheInjectedClock() {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 7200), 1, "blobs.png");
        Api v = t.volunteer();
        long host = t.host(v, 2.0);
        t.clock.advance(Duration.ofDays(3));
        Instant before = t.clock.instant();
        Assignment a = t.fetch(v, host, 60).get(0);
        Instant after = t.clock.instant();
        assertTrue(!a.deadline().isBefore(before.plusSeconds(7200)) && !a.deadline().isAfter(after.plusSeconds(7200)),
                () -> a.deadline() + " is not now + 7200 s");
        assertEquals("particle-count", a.app());
        assertEquals(TestServer.PARAMETERS, a.parameters());
        InputRef in = a.inputs().get(0);
        assertEquals("blobs.png", in.name());
        assertEquals(Sha256.hex(SampleImages.bytes("blobs.png")), in.sha256());
        Api.Response file = v.get(in.url());
        assertEquals(200, file.status());
        assertEquals(in.sha256(), Sha256.hex(file.body()));
        assertEquals(4L << 20, a.maxOutputBytes());
        assertEquals("/api/v1/results/" + a.resultId() + "/output", a.uploadUrl());
        assertEquals("IN_PROGRESS/null/INIT", t.resultState(a.resultId()));
        assertEquals(401, t.anonymous.get(in.url()).status(), "files need an account");
    }

    @Test
    void sendsWorkOnlyFromTheProjectsTheVolunteerJoined() {
        long other = t.project(researcher);
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png");
        t.submit(researcher, other, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "coins.png");
        Api v = t.volunteer();
        long host = t.host(v, 1.0);
        List<Assignment> got = v.post("/api/v1/scheduler", new SchedulerRequest(host, List.of(), 1_000_000, List.of(),
                List.of(other))).expect(200, SchedulerReply.class).assignments();
        assertEquals(List.of("coins.png"), got.stream().map(a -> a.inputs().get(0).name()).toList());
        assertEquals(1, t.fetch(v, host, 1_000_000).size(), "no list: any project");
    }

    @Test
    void neverSendsTwoReplicasOfAWorkUnitToTheSameHost() {
        t.submit(researcher, project, new RedundancyPolicy(2, 3, 3, 6, 3600), 1, "blobs.png", "coins.png");
        Api v = t.volunteer();
        long host = t.host(v, 1.0);
        List<Assignment> first = t.fetch(v, host, 1_000_000);
        assertEquals(2, first.size(), "one replica of each of the 2 work units: " + first);
        assertEquals(2, Set.copyOf(first.stream().map(Assignment::workUnitId).toList()).size());
        SchedulerReply again = t.schedule(v, host, 1_000_000).expect(200, SchedulerReply.class);
        assertEquals(List.of(), again.assignments());
        assertTrue(again.messages().get(0).contains("no work"), again::toString);
    }

    @Test
    void neverSendsTwoReplicasOfAWorkUnitToTwoHostsOfTheSameAccount() {
        t.submit(researcher, project, new RedundancyPolicy(2, 2, 3, 6, 3600), 1, "blobs.png", "coins.png", "cell.png");
        Api v = t.volunteer();
        long laptop = t.host(v, 1.0);
        long desktop = t.host(v, 1.0);
        Set<Long> units = new HashSet<>();
        for (Assignment a : t.fetch(v, laptop, 1_000_000)) {
            assertTrue(units.add(a.workUnitId()));
        }
        assertEquals(List.of(), t.fetch(v, desktop, 1_000_000), "the account already holds every work unit");
        Api other = t.volunteer();
        assertEquals(3, t.fetch(other, t.host(other, 1.0), 1_000_000).size(), "another account gets the replicas");
    }

    @Test
    void concurrentRequestsFromHostsOfOneAccountNeverShareAWorkUnit() throws Exception {
        String[] samples = SampleImages.names().stream().filter(n -> n.endsWith(".png")).toArray(String[]::new);
        t.submit(researcher, project, new RedundancyPolicy(2, 3, 3, 6, 3600), 1, samples);
        Api v = t.volunteer();
        List<Long> hosts = List.of(t.host(v, 1.0), t.host(v, 1.0), t.host(v, 1.0), t.host(v, 1.0));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(hosts.size());
        try {
            List<java.util.concurrent.Future<List<Assignment>>> replies = new java.util.ArrayList<>();
            for (long host : hosts) {
                replies.add(pool.submit(() -> t.fetch(v, host, 1_000_000)));
            }
            int sent = 0;
            for (var reply : replies) {
                sent += reply.get(60, java.util.concurrent.TimeUnit.SECONDS).size();
            }
            assertEquals(samples.length, sent, "one replica of each work unit for the account, whichever host");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, t.count("SELECT COUNT(*) FROM (SELECT work_unit_id FROM results WHERE account_id IS NOT NULL"
                + " GROUP BY work_unit_id, account_id HAVING COUNT(*) > 1) twice"));
    }

    @Test
    void handsOutAboutTheAskedSecondsOfWorkAndAtLeastOneResult() {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png", "coins.png", "cell.png",
                "dotblot.png");
        Api v = t.volunteer();
        long host = t.host(v, 1.0);
        assertEquals(1, t.fetch(v, host, 0.5).size());
        assertEquals(2, t.fetch(v, host, 3.5).size(), "2 s estimated per one-file work unit");
        assertEquals(0, t.fetch(v, host, 0).size());
        assertEquals(1, t.fetch(v, host, 100).size(), "what is left");
    }

    @Test
    void reportForAResultNeverSentToTheHostIsRefusedAndNothingOfTheRequestIsApplied() {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png", "coins.png");
        Api alice = t.volunteer();
        long aliceHost = t.host(alice, 1.0);
        Assignment alices = t.fetch(alice, aliceHost, 2).get(0);
        Api bob = t.volunteer();
        long bobHost = t.host(bob, 1.0);
        Assignment bobs = t.fetch(bob, bobHost, 2).get(0);
        t.upload(bob, bobs.resultId(), OUTPUT);

        ApiError e = t.schedule(bob, bobHost, 100, TestServer.success(bobs.resultId(), OUTPUT, 5),
                TestServer.error(alices.resultId(), "not mine"), TestServer.error(987654, "no such result"))
                .expect(400, ApiError.class);
        assertEquals(List.of("result " + alices.resultId() + ": was not sent to host " + bobHost,
                "result 987654: was not sent to host " + bobHost), e.problems());
        assertEquals("IN_PROGRESS/null/INIT", t.resultState(bobs.resultId()), "bob's own good report not applied");
        assertEquals("IN_PROGRESS/null/INIT", t.resultState(alices.resultId()));
    }

    @Test
    void reportingTheSameResultAgainIsAcknowledgedAndChangesNothing() {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png");
        Api v = t.volunteer();
        long host = t.host(v, 1.0);
        Assignment a = t.fetch(v, host, 10).get(0);
        SchedulerReply first = t.complete(v, host, a.resultId(), OUTPUT, 5);
        assertEquals(List.of(a.resultId()), first.acknowledged());
        t.server.runBackgroundPassNow(); // validated and merged: nothing left to change the row but the reports
        List<List<String>> stored = t.rows("SELECT * FROM results WHERE id = ?", a.resultId());
        SchedulerReply second = t.schedule(v, host, 0, TestServer.success(a.resultId(), OUTPUT, 99))
                .expect(200, SchedulerReply.class);
        assertEquals(List.of(a.resultId()), second.acknowledged());
        SchedulerReply asError = t.schedule(v, host, 0, TestServer.error(a.resultId(), "changed my mind"))
                .expect(200, SchedulerReply.class);
        assertEquals(List.of(a.resultId()), asError.acknowledged());
        assertEquals(stored, t.rows("SELECT * FROM results WHERE id = ?", a.resultId()));
    }

    @Test
    void successReportMustMatchTheUploadedOutput() {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png", "coins.png");
        Api v = t.volunteer();
        long host = t.host(v, 1.0);
        List<Assignment> as = t.fetch(v, host, 100);
        ApiError notUploaded = t.schedule(v, host, 0, TestServer.success(as.get(0).resultId(), OUTPUT, 1))
                .expect(400, ApiError.class);
        assertTrue(notUploaded.problems().get(0).contains("no output was uploaded"), notUploaded::toString);
        t.upload(v, as.get(1).resultId(), OUTPUT);
        ResultReport wrongSize = new ResultReport(as.get(1).resultId(), ResultReport.SUCCESS, Sha256.hex(OUTPUT),
                OUTPUT.length + 1, 1, 1, null);
        ApiError differs = t.schedule(v, host, 0, wrongSize).expect(400, ApiError.class);
        assertTrue(differs.problems().get(0).contains("differs from the upload"), differs::toString);
        assertEquals("IN_PROGRESS/null/INIT", t.resultState(as.get(1).resultId()));
    }

    @Test
    void anUploadChangesNoRowAndTheSuccessReportRecordsTheOutput() {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png");
        Api v = t.volunteer();
        long host = t.host(v, 1.0);
        Assignment a = t.fetch(v, host, 10).get(0);
        List<List<String>> sent = t.rows("SELECT * FROM results WHERE id = ?", a.resultId());
        t.upload(v, a.resultId(), OUTPUT);
        assertTrue(t.server.files().contains(Sha256.hex(OUTPUT)));
        assertEquals(sent, t.rows("SELECT * FROM results WHERE id = ?", a.resultId()), "the upload stores bytes only");
        t.schedule(v, host, 0, TestServer.success(a.resultId(), OUTPUT, 1)).expect(200, SchedulerReply.class);
        assertEquals(List.of(List.of(Sha256.hex(OUTPUT), String.valueOf(OUTPUT.length))),
                t.rows("SELECT output_sha256, output_size FROM results WHERE id = ?", a.resultId()));
    }

    @Test
    void uploadWhoseHashDiffersFromTheHeaderIsRefusedAndNotStored() throws Exception {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png");
        Api v = t.volunteer();
        Assignment a = t.fetch(v, t.host(v, 1.0), 10).get(0);
        long files = t.server.files().count();
        ApiError e = v.put(a.uploadUrl(), OUTPUT, Sha256.hex("something else".getBytes())).expect(400, ApiError.class);
        assertTrue(e.detail().contains("SHA-256"), e::toString);
        assertEquals(400, v.put(a.uploadUrl(), OUTPUT, null).status(), "no header");
        assertEquals(400, v.put(a.uploadUrl(), OUTPUT, "not-hex").status());
        assertEquals(files, t.server.files().count());
        assertEquals(0, t.count("SELECT COUNT(*) FROM results WHERE output_sha256 IS NOT NULL"));
    }

    @Test
    void uploadLargerThanTheLimitIs413AndNotStored() throws Exception {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png");
        Api v = t.volunteer();
        Assignment a = t.fetch(v, t.host(v, 1.0), 10).get(0);
        long files = t.server.files().count();
        byte[] big = new byte[(int) a.maxOutputBytes() + 1];
        assertEquals(413, v.put(a.uploadUrl(), big, Sha256.hex(big)).status());
        assertEquals(files, t.server.files().count());
        byte[] exactly = new byte[(int) a.maxOutputBytes()];
        assertEquals(200, v.put(a.uploadUrl(), exactly, Sha256.hex(exactly)).status(), "the limit itself is fine");
    }

    @Test
    void uploadIsRefusedForAnotherAccountsResultAndForAResultThatIsOver() {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png");
        Api v = t.volunteer();
        long host = t.host(v, 1.0);
        Assignment a = t.fetch(v, host, 10).get(0);
        assertEquals(403, t.volunteer().put(a.uploadUrl(), OUTPUT, Sha256.hex(OUTPUT)).status());
        assertEquals(404, v.put("/api/v1/results/424242/output", OUTPUT, Sha256.hex(OUTPUT)).status());
        t.upload(v, a.resultId(), OUTPUT);
        t.upload(v, a.resultId(), OUTPUT);
        t.schedule(v, host, 0, TestServer.success(a.resultId(), OUTPUT, 1)).expect(200, SchedulerReply.class);
        assertEquals(409, v.put(a.uploadUrl(), OUTPUT, Sha256.hex(OUTPUT)).status());
    }

    @Test
    void schedulerRequestForAnotherAccountsHostIsForbidden() {
        Api v = t.volunteer();
        long host = t.host(v, 1.0);
        assertEquals(403, t.volunteer().post("/api/v1/scheduler", new SchedulerRequest(host, List.of(), 10, List.of()))
                .status());
        assertEquals(404, v.post("/api/v1/scheduler", new SchedulerRequest(host + 99, List.of(), 10, List.of()))
                .status());
    }

    @Test
    void workStateSurvivesARestartOnTheSameDataDir() {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png", "coins.png");
        Api v = t.volunteer();
        long host = t.host(v, 1.0);
        Assignment first = t.fetch(v, host, 1).get(0);
        t.upload(v, first.resultId(), OUTPUT);
        t.close();
        t = TestServer.start(tmp.resolve("data"));
        List<List<String>> states = t.rows("SELECT server_state FROM results ORDER BY id");
        assertEquals(List.of(List.of("IN_PROGRESS"), List.of("UNSENT")), states);
        assertTrue(t.server.files().contains(Sha256.hex(OUTPUT)), "the upload is kept");
        Api again = v.at(t.server.baseUri());
        t.schedule(again, host, 0, TestServer.success(first.resultId(), OUTPUT, 1)).expect(200, SchedulerReply.class);
        assertEquals(List.of(List.of("OVER", Sha256.hex(OUTPUT))),
                t.rows("SELECT server_state, output_sha256 FROM results WHERE id = ?", first.resultId()),
                "the report after the restart names the output uploaded before it");
        Api w = t.volunteer();
        assertEquals(1, t.fetch(w, t.host(w, 1.0), 100).size(), "the queue refills from the database");
    }

    @Test
    void aResultWhoseReplyWasLostIsSentAgainWhenTheClientAsksToResync() {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png");
        Api v = t.volunteer();
        long host = t.host(v, 1.0);
        Assignment sent = t.fetch(v, host, 60).get(0);
        t.clock.advance(Duration.ofMinutes(10));
        assertEquals(List.of(), t.fetch(v, host, 60), "without resync the server does not compare (no work either)");
        SchedulerReply holding = request(v, host, List.of(sent.resultId()), true);
        assertEquals(List.of(), holding.assignments(), "the host holds it: nothing is sent again");
        SchedulerReply again = request(v, host, List.of(), true);
        assertEquals(List.of(sent), again.assignments(), "the same result, its inputs and its first deadline");
        assertTrue(again.messages().stream().anyMatch(m -> m.startsWith("sent again 1 task")), again::toString);
        assertEquals("IN_PROGRESS/null/INIT", t.resultState(sent.resultId()));
        t.complete(v, host, sent.resultId(), OUTPUT, 1);
        String reported = t.resultState(sent.resultId());
        assertTrue(reported.startsWith("OVER/SUCCESS/"), "the result sent again is reported as usual: " + reported);
    }

    @Test
    void afterARestartTheHostsFirstRequestForWorkGetsTheResultsItNeverReceived() {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png", "coins.png");
        Api v = t.volunteer();
        long host = t.host(v, 1.0);
        Assignment lost = t.fetch(v, host, 1).get(0); // the server is killed before this reply goes out
        t.close();
        t = TestServer.start(tmp.resolve("data"));
        Api again = v.at(t.server.baseUri());
        assertEquals(List.of(), request(again, host, List.of(), false, 0).assignments(),
                "a request that asks for no work is not compared");
        // as a client from before the resync and signedTogether fields sends it
        byte[] olderClient = ("{\"hostId\":" + host + ",\"reports\":[],\"workSeconds\":1,\"inProgress\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        List<Assignment> first = again.post("/api/v1/scheduler", olderClient).expect(200, SchedulerReply.class)
                .assignments();
        assertEquals(lost, first.get(0), "the lost result comes first, unchanged");
        assertEquals(1, first.size(), "it covers the one second of work asked for");
        List<Assignment> next = request(again, host, List.of(lost.resultId()), false, 1).assignments();
        assertEquals(1, next.size(), "then new work: " + next);
        assertTrue(next.get(0).resultId() != lost.resultId());
    }

    @Test
    void aLostResultOfAWorkUnitThatIsOverIsNotSentAgainButMarkedNotNeeded() {
        t.submit(researcher, project, new RedundancyPolicy(1, 2, 3, 6, 3600), 1, "blobs.png");
        Api first = t.volunteer();
        long firstHost = t.host(first, 1.0);
        Api second = t.volunteer();
        long secondHost = t.host(second, 1.0);
        Assignment done = t.fetch(first, firstHost, 60).get(0);
        Assignment spare = t.fetch(second, secondHost, 60).get(0);
        t.complete(first, firstHost, done.resultId(), ValidationTest.RIGHT, 1);
        t.server.runBackgroundPassNow();
        assertEquals("DONE", t.workUnitState(done.workUnitId()));
        SchedulerReply reply = request(second, secondHost, List.of(), true);
        assertEquals(List.of(), reply.assignments());
        assertEquals("OVER/DIDNT_NEED/INIT", t.resultState(spare.resultId()));
    }

    private SchedulerReply request(Api v, long host, List<Long> inProgress, boolean resync) {
        return request(v, host, inProgress, resync, 60);
    }

    private SchedulerReply request(Api v, long host, List<Long> inProgress, boolean resync, double workSeconds) {
        return v.post("/api/v1/scheduler", new SchedulerRequest(host, List.of(), workSeconds, inProgress, List.of(),
                false, resync)).expect(200, SchedulerReply.class);
    }
}

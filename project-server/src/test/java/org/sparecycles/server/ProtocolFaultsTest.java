package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.AppRunner;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.CanonicalJson;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.samples.SampleImages;

/**
 * Fault injection at the protocol: duplicate reports, replayed uploads, reports after the deadline, a volunteer
 * giving work up (detach) and one vanishing with work. Each ends with the batch merged and equal to a local run.
 */
class ProtocolFaultsTest {
    private static final List<String> SAMPLES = MergedResultsTest.SAMPLES;
    private static final RedundancyPolicy POLICY = new RedundancyPolicy(2, 2, 3, 8, 3600);

    @TempDir
    Path tmp;
    private TestServer t;

    @AfterEach
    void stop() {
        if (t != null) {
            t.close();
        }
    }

    private record Volunteer(Api api, long host) {
    }

    private Volunteer volunteer() {
        Api api = t.volunteer();
        return new Volunteer(api, t.host(api, 2.0));
    }

    private List<Assignment> fetchAll(Volunteer v) {
        return t.fetch(v.api(), v.host(), 1e6);
    }

    private void complete(Volunteer v, Assignment a) throws Exception {
        t.complete(v.api(), v.host(), a.resultId(), MergedResultsTest.compute(v.api(), a), 20);
    }

    private void assertMergedEqualsALocalRun(Api researcher, long batch) throws Exception {
        t.server.runBackgroundPassNow();
        BatchStatus done = t.status(researcher, batch);
        assertEquals("DONE", done.state(), done::toString);
        ScienceApp app = AppRegistry.builtIn().find("particle-count").orElseThrow();
        JsonNode merged = CanonicalJson.read(researcher.get("/api/v1/batches/" + batch + "/results.json").body())
                .get("files");
        assertEquals(SAMPLES.size(), merged.size());
        for (int i = 0; i < SAMPLES.size(); i++) {
            String name = SAMPLES.get(i);
            JsonNode local = CanonicalJson.read(AppRunner.run(app, app.parseParameters(TestServer.PARAMETERS),
                    List.of(new InputFile(name, SampleImages.bytes(name))))).get("files").get(0);
            assertEquals(local, merged.get(i), name);
        }
        assertEquals(t.count("SELECT COUNT(*) FROM results WHERE validate_state = 'VALID'"),
                t.count("SELECT COUNT(*) FROM credit_grants"), "one grant per valid result");
        assertEquals(t.count("SELECT CAST(ROUND(SUM(granted_credit) * 1000) AS BIGINT) FROM results"),
                t.count("SELECT CAST(ROUND(SUM(amount) * 1000) AS BIGINT) FROM credit_grants"),
                "grants add up to the results' credit");
    }

    @Test
    void duplicateReportsAndReplayedUploadsChangeNothing() throws Exception {
        t = TestServer.start(tmp.resolve("data"));
        Api researcher = t.researcher();
        long batch = t.submit(researcher, t.project(researcher), POLICY, 2, SAMPLES.toArray(String[]::new)).id();
        Volunteer a = volunteer();
        Volunteer b = volunteer();
        List<Assignment> ofA = fetchAll(a);
        List<Assignment> ofB = fetchAll(b);
        assertEquals(2, ofA.size());
        assertEquals(2, ofB.size());

        for (Assignment x : ofA) {
            byte[] output = MergedResultsTest.compute(a.api(), x);
            t.upload(a.api(), x.resultId(), output);
            t.upload(a.api(), x.resultId(), output); // the same bytes again before the report: accepted, same hash
            for (int i = 0; i < 3; i++) { // the report repeated, e.g. when the reply was lost
                SchedulerReply reply = t.schedule(a.api(), a.host(), 0, TestServer.success(x.resultId(), output, 20))
                        .expect(200, SchedulerReply.class);
                assertEquals(List.of(x.resultId()), reply.acknowledged());
            }
            Api.Response sameAgain = a.api().put("/api/v1/results/" + x.resultId() + "/output", output,
                    Sha256.hex(output));
            assertEquals(409, sameAgain.status(), sameAgain::text);
            byte[] other = "{\"files\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Api.Response different = a.api().put("/api/v1/results/" + x.resultId() + "/output", other,
                    Sha256.hex(other));
            assertEquals(409, different.status(), different::text);
            assertEquals("result_over", different.error().error());
            assertEquals(1, t.count("SELECT COUNT(*) FROM results WHERE id = ? AND output_sha256 = ?", x.resultId(),
                    Sha256.hex(output)), "the first upload stays");
        }
        for (Assignment x : ofB) {
            complete(b, x);
        }

        assertMergedEqualsALocalRun(researcher, batch);
        assertEquals(4, t.count("SELECT COUNT(*) FROM credit_grants"));
    }

    @Test
    void givenUpWorkIsReissuedAtOnceAndWorkHeldPastTheDeadlineAfterItWhoseLateReportChangesNothing()
            throws Exception {
        t = TestServer.start(tmp.resolve("data"));
        Api researcher = t.researcher();
        long batch = t.submit(researcher, t.project(researcher), POLICY, 2, SAMPLES.toArray(String[]::new)).id();
        Volunteer a = volunteer();
        Volunteer b = volunteer();
        for (Assignment x : fetchAll(a)) {
            complete(a, x);
        }
        List<Assignment> ofB = fetchAll(b);
        assertEquals(2, ofB.size());
        Assignment givenUp = ofB.get(0);
        Assignment held = ofB.get(1);

        // b detaches with work in progress: the client reports it as given up (docs/client.md, Detach)
        t.schedule(b.api(), b.host(), 0, TestServer.error(givenUp.resultId(),
                "the volunteer detached from the project")).expect(200, SchedulerReply.class);
        t.server.runBackgroundPassNow();
        Volunteer c = volunteer();
        List<Assignment> ofC = fetchAll(c);
        assertEquals(List.of(givenUp.workUnitId()), ofC.stream().map(Assignment::workUnitId).toList(),
                "the given-up replica is sent again without waiting for its deadline");
        complete(c, ofC.get(0));

        // b vanishes with the other one: after its deadline it is NO_REPLY and sent again
        t.clock.advance(Duration.ofSeconds(POLICY.delayBoundSeconds() + 1));
        t.server.runBackgroundPassNow();
        assertEquals(1, t.count("SELECT COUNT(*) FROM results WHERE id = ? AND outcome = 'NO_REPLY'",
                held.resultId()));
        Volunteer d = volunteer();
        List<Assignment> ofD = fetchAll(d);
        assertEquals(List.of(held.workUnitId()), ofD.stream().map(Assignment::workUnitId).toList());
        complete(d, ofD.get(0));

        // b comes back and reports late: the upload is refused, the report acknowledged and ignored, the result
        // cancelled (docs/server.md: a report for a result that is over changes nothing)
        byte[] late = MergedResultsTest.compute(b.api(), held);
        assertEquals(409, b.api().put("/api/v1/results/" + held.resultId() + "/output", late, Sha256.hex(late))
                .status());
        SchedulerReply reply = t.schedule(b.api(), b.host(), 0, TestServer.success(held.resultId(), late, 20))
                .expect(200, SchedulerReply.class);
        assertEquals(List.of(held.resultId()), reply.acknowledged());
        assertEquals(1, t.count("SELECT COUNT(*) FROM results WHERE id = ? AND outcome = 'NO_REPLY'",
                held.resultId()), "the late report changed nothing");

        assertMergedEqualsALocalRun(researcher, batch);
        assertEquals(0, t.count("SELECT COUNT(*) FROM credit_grants WHERE host_id = ?", b.host()),
                "no credit for given-up or late work");
        assertEquals(2, t.count("SELECT error_results FROM host_app_trust WHERE host_id = ?", b.host()),
                "giving up and missing the deadline both count against the host");
    }
}

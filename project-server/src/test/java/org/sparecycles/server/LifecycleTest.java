package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.json.CanonicalJson;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;

/** The transitioner: deadlines, replacement replicas and the limits that fail a work unit. */
class LifecycleTest {
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
    void theReportThatCompletesTheQuorumHandsTheWorkUnitToTheValidatorWithoutATransitionerPass() {
        t.submit(researcher, project, new RedundancyPolicy(2, 2, 3, 6, 3600), 1, "blobs.png");
        t.leaseHeldElsewhere(true); // no background pass runs on this server from here on
        Api a = t.volunteer();
        long hostA = t.host(a, 1.0);
        Api b = t.volunteer();
        long hostB = t.host(b, 1.0);
        Assignment first = t.fetch(a, hostA, 10).get(0);
        Assignment second = t.fetch(b, hostB, 10).get(0);
        long wu = first.workUnitId();
        assertEquals(wu, second.workUnitId());

        t.complete(a, hostA, first.resultId(), ValidationTest.RIGHT, 10);
        assertEquals("IN_PROGRESS", t.workUnitState(wu), "one success of a quorum of two");
        t.complete(b, hostB, second.resultId(), ValidationTest.RIGHT, 10);

        assertEquals("VALIDATING", t.workUnitState(wu));
        assertEquals(0, t.count("SELECT COUNT(*) FROM work_units WHERE transition_needed = TRUE"),
                "nothing is left for the transitioner");
        assertEquals("OVER/SUCCESS/INIT", t.resultState(second.resultId()), "no pass ran");

        t.leaseHeldElsewhere(false);
        t.server.runBackgroundPassNow();
        assertEquals("DONE", t.workUnitState(wu));
        assertEquals("OVER/SUCCESS/VALID", t.resultState(first.resultId()));
    }

    @Test
    void reissuesResultWhenDeadlinePasses() {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png");
        Api ghost = t.volunteer();
        long ghostHost = t.host(ghost, 1.0);
        Assignment lost = t.fetch(ghost, ghostHost, 10).get(0);

        t.clock.advance(Duration.ofSeconds(3599));
        t.server.runBackgroundPassNow();
        assertEquals("IN_PROGRESS/null/INIT", t.resultState(lost.resultId()), "deadline not yet passed");

        t.clock.advance(Duration.ofSeconds(2));
        t.server.runBackgroundPassNow();
        assertEquals("OVER/NO_REPLY/INIT", t.resultState(lost.resultId()));
        List<List<String>> unsent = t.rows("SELECT id FROM results WHERE work_unit_id = ? AND server_state = 'UNSENT'",
                lost.workUnitId());
        assertEquals(1, unsent.size(), "a new replica");

        Api other = t.volunteer();
        Assignment replacement = t.fetch(other, t.host(other, 1.0), 10).get(0);
        assertEquals(unsent.get(0).get(0), String.valueOf(replacement.resultId()));

        t.upload(other, replacement.resultId(), ValidationTest.RIGHT);
        assertEquals(409, ghost.put(lost.uploadUrl(), ValidationTest.RIGHT,
                org.sparecycles.workunits.hash.Sha256.hex(ValidationTest.RIGHT)).status(), "too late to upload");
        SchedulerReply late = ghost.post("/api/v1/scheduler", new SchedulerRequest(ghostHost,
                List.of(TestServer.error(lost.resultId(), "late")), 0, List.of(lost.resultId())))
                .expect(200, SchedulerReply.class);
        assertEquals(List.of(lost.resultId()), late.acknowledged());
        assertEquals("OVER/NO_REPLY/INIT", t.resultState(lost.resultId()), "a late report changes nothing");
        SchedulerReply held = ghost.post("/api/v1/scheduler", new SchedulerRequest(ghostHost, List.of(), 0,
                List.of(lost.resultId()))).expect(200, SchedulerReply.class);
        assertEquals(List.of(lost.resultId()), held.cancelled(), "the host is told to drop it");
    }

    @Test
    void failsWorkUnitAfterTooManyErrorsAndShowsTheReasonInTheResults() throws Exception {
        BatchStatus batch = t.submit(researcher, project, new RedundancyPolicy(1, 1, 1, 6, 3600), 1, "blobs.png");
        for (int i = 0; i < 2; i++) {
            Api v = t.volunteer();
            long host = t.host(v, 1.0);
            Assignment a = t.fetch(v, host, 10).get(0);
            t.schedule(v, host, 0, TestServer.error(a.resultId(), "worker crashed " + i)).expect(200, SchedulerReply.class);
            t.server.runBackgroundPassNow();
        }
        BatchStatus done = t.status(researcher, batch.id());
        assertEquals("DONE", done.state());
        assertEquals(1, done.workUnitsByState().get("FAILED"));
        assertEquals(2, done.resultsByState().get("CLIENT_ERROR"));
        assertEquals(1.0, done.fractionDone());
        String reason = "too many errors: 2 results failed (max_error_results 1); last: CLIENT_ERROR (worker crashed 1)";
        assertEquals(reason, t.rows("SELECT error_reason FROM work_units").get(0).get(0));
        JsonNode file = CanonicalJson.read(researcher.get("/api/v1/batches/" + batch.id() + "/results.json").body())
                .get("files").get(0);
        assertEquals("blobs.png", file.get("file").asText());
        assertEquals(reason, file.get("error").asText());
        assertEquals(0, t.count("SELECT COUNT(*) FROM results WHERE server_state <> 'OVER'"));
    }

    @Test
    void missedDeadlinesCountAsErrorsAndMaxTotalResultsEndsTheWorkUnit() {
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 10, 2, 60), 1, "blobs.png");
        for (int i = 0; i < 2; i++) {
            Api v = t.volunteer();
            assertEquals(1, t.fetch(v, t.host(v, 1.0), 10).size());
            t.clock.advance(Duration.ofSeconds(61));
            t.server.runBackgroundPassNow();
        }
        String reason = t.rows("SELECT state, error_reason FROM work_units").get(0).toString();
        assertTrue(reason.startsWith("[FAILED, too many results: another replica would exceed max_total_results (2);"
                + " last: NO_REPLY"), reason);
        Api late = t.volunteer();
        assertEquals(List.of(), t.fetch(late, t.host(late, 1.0), 10));
    }

    @Test
    void inProgressResultsOfAFailedWorkUnitAreCancelled() {
        t.submit(researcher, project, new RedundancyPolicy(1, 3, 1, 6, 3600), 1, "blobs.png");
        Api working = t.volunteer();
        long workingHost = t.host(working, 1.0);
        Assignment w = t.fetch(working, workingHost, 10).get(0);
        for (int i = 0; i < 2; i++) {
            Api erring = t.volunteer();
            long erringHost = t.host(erring, 1.0);
            Assignment e = t.fetch(erring, erringHost, 10).get(0);
            t.schedule(erring, erringHost, 0, TestServer.error(e.resultId(), "boom")).expect(200, SchedulerReply.class);
        }
        t.server.runBackgroundPassNow();
        assertEquals("FAILED", t.workUnitState(w.workUnitId()));
        SchedulerReply reply = working.post("/api/v1/scheduler", new SchedulerRequest(workingHost, List.of(), 0,
                List.of(w.resultId()))).expect(200, SchedulerReply.class);
        assertEquals(List.of(w.resultId()), reply.cancelled());
        assertEquals("OVER/DIDNT_NEED/INIT", t.resultState(w.resultId()));
    }
}

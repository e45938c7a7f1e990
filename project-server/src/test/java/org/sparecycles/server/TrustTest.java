package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparecycles.server.ValidationTest.RIGHT;
import static org.sparecycles.server.ValidationTest.WRONG;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.protocol.SchedulerReply;

/** Host trust, adaptive replication, rechecks after an invalid result, and daily quotas (docs/trust.md). */
class TrustTest {
    private static final String[] FIVE = {"blobs.png", "dotblot.png", "coins.png", "cell.png",
        "blobs_original_indexed.png"};

    @TempDir
    Path tmp;
    private TestServer t;

    @AfterEach
    void stop() {
        if (t != null) {
            t.close();
        }
    }

    record Volunteer(Api api, long host) {
        Assignment fetchOne(TestServer t) {
            List<Assignment> got = t.fetch(api, host, 1);
            assertEquals(1, got.size(), got::toString);
            return got.get(0);
        }

        void complete(TestServer t, Assignment a, byte[] output) {
            t.complete(api, host, a.resultId(), output, 10);
        }
    }

    private Volunteer volunteer() {
        Api api = t.volunteer();
        return new Volunteer(api, t.host(api, 1.0));
    }

    @Test
    void trustedHostGetsSingleReplicasUntilAnInvalidResultSendsThemBackForChecking() throws Exception {
        t = TestServer.start(tmp.resolve("data"), b -> b.trustedAfter(2).spotCheckPercent(0));
        Api researcher = t.researcher();
        BatchStatus batch = t.submit(researcher, t.project(researcher), new RedundancyPolicy(2, 2, 3, 8, 3600), 1, FIVE);
        Volunteer cheat = volunteer();
        Volunteer honest = volunteer();
        Volunteer other = volunteer();
        Assignment[] c = {cheat.fetchOne(t), cheat.fetchOne(t), cheat.fetchOne(t)};
        Assignment[] h = {honest.fetchOne(t), honest.fetchOne(t), honest.fetchOne(t)};
        for (int i = 0; i < 2; i++) {
            cheat.complete(t, c[i], RIGHT);
            honest.complete(t, h[i], RIGHT);
        }
        t.server.runBackgroundPassNow();
        assertEquals(2, t.count("SELECT consecutive_valid FROM host_app_trust WHERE host_id = ?", cheat.host()));

        // trusted now: the next work unit goes to the cheat alone, and its wrong answer is accepted unchecked
        Assignment alone = cheat.fetchOne(t);
        assertEquals(1, t.count("SELECT min_quorum FROM work_units WHERE id = ?", alone.workUnitId()));
        assertEquals(1, t.count("SELECT COUNT(*) FROM results WHERE work_unit_id = ? AND outcome = 'DIDNT_NEED'",
                alone.workUnitId()));
        cheat.complete(t, alone, WRONG);
        t.server.runBackgroundPassNow();
        assertEquals("DONE", t.workUnitState(alone.workUnitId()));
        assertEquals("OVER/SUCCESS/VALID", t.resultState(alone.resultId()));
        double creditBefore = t.server.stats().hosts().stream().filter(s -> s.hostId() == cheat.host()).findFirst()
                .orElseThrow().totalCredit();

        // caught in a replicated work unit: trust is reset and the unchecked result goes back for checking
        cheat.complete(t, c[2], WRONG);
        honest.complete(t, h[2], RIGHT);
        t.server.runBackgroundPassNow();
        List<Assignment> more = t.fetch(other.api(), other.host(), 100);
        assertTrue(more.stream().anyMatch(a -> a.workUnitId() == c[2].workUnitId()), "a third replica: " + more);
        for (Assignment a : more) {
            other.complete(t, a, RIGHT);
        }
        t.server.runBackgroundPassNow();
        assertEquals("OVER/SUCCESS/INVALID", t.resultState(c[2].resultId()));
        assertEquals(0, t.count("SELECT consecutive_valid FROM host_app_trust WHERE host_id = ?", cheat.host()));
        assertEquals("OVER/SUCCESS/INIT", t.resultState(alone.resultId()), "back for checking");
        assertEquals(2, t.count("SELECT min_quorum FROM work_units WHERE id = ?", alone.workUnitId()));
        double creditAfter = t.server.stats().hosts().stream().filter(s -> s.hostId() == cheat.host()).findFirst()
                .orElseThrow().totalCredit();
        assertTrue(creditAfter < creditBefore, "the unchecked result's credit was taken back");

        // the rest is computed honestly; the recheck replaces the cheat's answer in the merged results
        for (int round = 0; round < 6 && !"DONE".equals(t.status(researcher, batch.id()).state()); round++) {
            t.server.runBackgroundPassNow();
            for (Volunteer v : List.of(honest, other)) {
                for (Assignment a : t.fetch(v.api(), v.host(), 100)) {
                    v.complete(t, a, RIGHT);
                }
            }
            t.server.runBackgroundPassNow();
        }
        assertEquals("DONE", t.status(researcher, batch.id()).state());
        assertEquals("OVER/SUCCESS/INVALID", t.resultState(alone.resultId()));
        String merged = researcher.get("/api/v1/batches/" + batch.id() + "/results.json").text();
        assertTrue(!merged.contains("\"wrong\""), merged);
        assertEquals(5, merged.split("\"right\"", -1).length - 1, merged);
        assertEquals(t.count("SELECT COUNT(*) FROM results WHERE validate_state = 'VALID'"),
                t.count("SELECT COUNT(*) FROM credit_grants WHERE amount > 0")
                        - t.count("SELECT COUNT(*) FROM credit_grants WHERE amount < 0"));
        assertEquals(0, t.count("SELECT COUNT(*) FROM hosts h WHERE ABS(h.total_credit - (SELECT"
                + " COALESCE(SUM(r.granted_credit), 0) FROM results r WHERE r.host_id = h.id"
                + " AND r.validate_state = 'VALID')) > 1e-9"), "each host's total is the sum of its valid results");
    }

    @Test
    void spotChecksKeepFullReplicationForTrustedHosts() {
        t = TestServer.start(tmp.resolve("data"), b -> b.trustedAfter(1).spotCheckPercent(100));
        Api researcher = t.researcher();
        t.submit(researcher, t.project(researcher), new RedundancyPolicy(2, 2, 3, 6, 3600), 1, FIVE);
        Volunteer a = volunteer();
        Volunteer b = volunteer();
        Assignment x = a.fetchOne(t);
        Assignment y = b.fetchOne(t);
        a.complete(t, x, RIGHT);
        b.complete(t, y, RIGHT);
        t.server.runBackgroundPassNow();
        Assignment next = a.fetchOne(t);
        assertEquals(2, t.count("SELECT min_quorum FROM work_units WHERE id = ?", next.workUnitId()));
        assertEquals(0, t.count("SELECT COUNT(*) FROM results WHERE unchecked = TRUE"));
    }

    @Test
    void dailyQuotaLimitsAHostHalvesOnErrorsAndRenewsTheNextDay() {
        t = TestServer.start(tmp.resolve("data"), b -> b.dailyQuota(2, 4));
        Api researcher = t.researcher();
        t.submit(researcher, t.project(researcher), new RedundancyPolicy(1, 1, 5, 8, 7 * 86_400), 1, FIVE);
        Volunteer v = volunteer();
        List<Assignment> first = t.fetch(v.api(), v.host(), 1e6);
        assertEquals(2, first.size(), "the initial quota is 2 a day");
        SchedulerReply none = t.schedule(v.api(), v.host(), 1e6).expect(200, SchedulerReply.class);
        assertTrue(none.assignments().isEmpty());
        t.schedule(v.api(), v.host(), 0, TestServer.error(first.get(0).resultId(), "crashed")).expect(200,
                SchedulerReply.class);
        assertEquals(1, t.count("SELECT daily_quota FROM host_app_trust WHERE host_id = ?", v.host()));
        t.clock.advance(Duration.ofDays(1));
        assertEquals(1, t.fetch(v.api(), v.host(), 1e6).size(), "a new day, the halved quota");
    }

    @Test
    void missedDeadlineCountsAsAnErrorAgainstTrustAndQuota() throws Exception {
        t = TestServer.start(tmp.resolve("data"), b -> b.trustedAfter(2).spotCheckPercent(0).dailyQuota(4, 8));
        Api researcher = t.researcher();
        long project = t.project(researcher);
        t.submit(researcher, project, new RedundancyPolicy(1, 1, 5, 8, 3600), 1, FIVE);
        Volunteer v = volunteer();
        for (int i = 0; i < 2; i++) {
            Assignment a = v.fetchOne(t);
            v.complete(t, a, RIGHT);
            t.server.runBackgroundPassNow();
        }
        assertEquals(2, t.count("SELECT consecutive_valid FROM host_app_trust WHERE host_id = ?", v.host()));
        assertEquals(6, t.count("SELECT daily_quota FROM host_app_trust WHERE host_id = ?", v.host()));
        v.fetchOne(t); // never answered

        t.clock.advance(Duration.ofSeconds(3601));
        t.server.runBackgroundPassNow();

        assertEquals(1, t.count("SELECT COUNT(*) FROM results WHERE host_id = ? AND outcome = 'NO_REPLY'", v.host()));
        assertEquals(0, t.count("SELECT consecutive_valid FROM host_app_trust WHERE host_id = ?", v.host()),
                "trust is reset");
        assertEquals(1, t.count("SELECT error_results FROM host_app_trust WHERE host_id = ?", v.host()));
        assertEquals(3, t.count("SELECT daily_quota FROM host_app_trust WHERE host_id = ?", v.host()),
                "the quota is halved");
    }
}

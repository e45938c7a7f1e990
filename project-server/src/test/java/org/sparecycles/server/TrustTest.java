package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparecycles.server.ValidationTest.RIGHT;
import static org.sparecycles.server.ValidationTest.WRONG;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.db.LockWaits;
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

    /** How an insert of a standing begins, for {@link LockWaits#awaitAWaitingSession}. */
    private static final String STANDING_INSERT = "INSERT INTO host_app_trust";

    @Test
    void aReportedErrorTakesTheHostsStandingOnlyAfterTheRequestsWorkUnits() throws Exception {
        t = TestServer.start(tmp.resolve("data"));
        Api researcher = t.researcher();
        t.submit(researcher, t.project(researcher), new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png",
                "coins.png", "cell.png");
        Volunteer v = volunteer();
        List<Assignment> got = new java.util.ArrayList<>(t.fetch(v.api(), v.host(), 1e6));
        assertEquals(3, got.size(), got::toString);
        got.sort(java.util.Comparator.comparingLong(Assignment::workUnitId));
        t.schedule(v.api(), v.host(), 0, TestServer.error(got.get(0).resultId(), "crashed"))
                .expect(200, SchedulerReply.class); // the host's standing exists from now on
        t.upload(v.api(), got.get(2).resultId(), RIGHT);

        try (Connection validation = t.server.dataSource().getConnection();
             Connection other = t.server.dataSource().getConnection()) {
            // as a validation group holding the last work unit, which the request's success report waits for
            validation.setAutoCommit(false);
            try (PreparedStatement ps = validation.prepareStatement("SELECT id FROM work_units WHERE id = ?"
                    + " FOR UPDATE")) {
                ps.setLong(1, got.get(2).workUnitId());
                ps.executeQuery().close();
            }
            var request = java.util.concurrent.CompletableFuture.supplyAsync(() -> t.schedule(v.api(), v.host(), 0,
                    TestServer.error(got.get(1).resultId(), "crashed again"),
                    TestServer.success(got.get(2).resultId(), RIGHT, 10)));
            // the request, for the work unit
            LockWaits.awaitAWaitingSession(t.server.dataSource(), STANDING_INSERT);
            // the validation group would now take the host's standing: the waiting request must not hold it
            try {
                assertEquals(1, LockWaits.updateWithin(other, 1000, "UPDATE host_app_trust SET valid_results"
                        + " = valid_results WHERE host_id = " + v.host()), "the standing");
            } catch (SQLException e) {
                throw new AssertionError("the request held the host's standing while it waited for a work unit: "
                        + e.getMessage(), e);
            }
            validation.commit();
            request.get(10, java.util.concurrent.TimeUnit.SECONDS).expect(200, SchedulerReply.class);
        }
        assertEquals(2, t.count("SELECT error_results FROM host_app_trust WHERE host_id = ?", v.host()),
                "both errors counted");
        String reported = t.resultState(got.get(2).resultId());
        assertTrue(reported.startsWith("OVER/SUCCESS/"), "the success applied too: " + reported);
    }

    @Test
    void aStandingAnotherTransactionCreatedMeanwhileIsCountedOnNotRefused() throws Exception {
        t = TestServer.start(tmp.resolve("data"));
        Api researcher = t.researcher();
        t.submit(researcher, t.project(researcher), new RedundancyPolicy(1, 1, 3, 6, 3600), 1, "blobs.png");
        Volunteer v = volunteer();
        Assignment a = v.fetchOne(t);
        try (Connection validation = t.server.dataSource().getConnection()) {
            // as the verdict on another of the host's results, creating its standing and not committed yet
            validation.setAutoCommit(false);
            try (PreparedStatement ps = validation.prepareStatement("INSERT INTO host_app_trust (host_id, app,"
                    + " daily_quota, valid_results) VALUES (?, 'particle-count', 7, 1)")) {
                ps.setLong(1, v.host());
                ps.executeUpdate();
            }
            var request = java.util.concurrent.CompletableFuture.supplyAsync(() -> t.schedule(v.api(), v.host(), 0,
                    TestServer.error(a.resultId(), "crashed")));
            // the report's own insert of the standing, for this one
            LockWaits.awaitAWaitingSession(t.server.dataSource(), STANDING_INSERT);
            validation.commit();
            request.get(10, java.util.concurrent.TimeUnit.SECONDS).expect(200, SchedulerReply.class);
        }
        assertEquals(List.of(List.of("1", "1", "3")), t.rows("SELECT valid_results, error_results, daily_quota"
                + " FROM host_app_trust WHERE host_id = ?", v.host()), "the error counted on the standing that stood");
    }
}

package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.credit.CreditRules;
import org.sparecycles.server.stats.Stats;
import org.sparecycles.workunits.protocol.AccountCredit;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * Quorum validation and credit, with outputs written by the test (the validator compares bytes, so no analysis
 * is needed here; {@link MergedResultsTest} runs the real app).
 */
class ValidationTest {
    static final byte[] RIGHT = output("right");
    static final byte[] WRONG = output("wrong");

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

    /** A canonical-looking output document for one input file; {@code answer} makes it differ. */
    static byte[] output(String answer) {
        return ("{\"app\":\"particle-count\",\"files\":[{\"answer\":\"" + answer + "\",\"file\":\"blobs.png\","
                + "\"objects\":[]}],\"parameters\":{},\"version\":\"1.0\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** A volunteer with one host of the given speed. */
    record Volunteer(Api api, long host) {
    }

    Volunteer volunteer(double gflops) {
        Api api = t.volunteer();
        return new Volunteer(api, t.host(api, gflops));
    }

    /** One replica of a work unit, sent to a volunteer. */
    record Replica(Volunteer volunteer, Assignment assignment) {
        long resultId() {
            return assignment.resultId();
        }
    }

    /** A one-file batch with quorum 2 and two replicas, each sent to a new volunteer. */
    List<Replica> twoReplicasSent() {
        t.submit(researcher, project, new RedundancyPolicy(2, 2, 3, 6, 3600), 1, "blobs.png");
        List<Replica> sent = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Volunteer v = volunteer(1.0);
            sent.add(new Replica(v, fetchOne(v)));
        }
        return sent;
    }

    void complete(Replica r, byte[] output, double cpuSeconds) {
        t.complete(r.volunteer().api(), r.volunteer().host(), r.resultId(), output, cpuSeconds);
    }

    Assignment fetchOne(Volunteer v) {
        List<Assignment> got = t.fetch(v.api(), v.host(), 1);
        assertEquals(1, got.size(), got::toString);
        return got.get(0);
    }

    @Test
    void twoAgreeingResultsBecomeValidAndEarnTheSameCreditTheMedianOfTheirClaims() {
        BatchStatus batch = t.submit(researcher, project, new RedundancyPolicy(2, 2, 3, 6, 3600), 1, "blobs.png");
        Volunteer slow = volunteer(2.0);
        Volunteer fast = volunteer(4.0);
        Assignment a = fetchOne(slow);
        Assignment b = fetchOne(fast);
        t.complete(slow.api(), slow.host(), a.resultId(), RIGHT, 100);
        t.server.runBackgroundPassNow();
        assertEquals("IN_PROGRESS", t.workUnitState(a.workUnitId()), "one success is not a quorum of 2");
        t.complete(fast.api(), fast.host(), b.resultId(), RIGHT, 300);
        t.server.runBackgroundPassNow();

        assertEquals("OVER/SUCCESS/VALID", t.resultState(a.resultId()));
        assertEquals("OVER/SUCCESS/VALID", t.resultState(b.resultId()));
        double claimA = CreditRules.claimed(100, 2.0);
        double claimB = CreditRules.claimed(300, 4.0);
        assertEquals(100 * 2.0 * 200 / 86_400, claimA, 1e-12);
        double granted = (claimA + claimB) / 2;
        for (long r : List.of(a.resultId(), b.resultId())) {
            assertEquals(granted, Double.parseDouble(t.rows("SELECT granted_credit FROM results WHERE id = ?", r)
                    .get(0).get(0)), 1e-9);
        }
        assertEquals(String.valueOf(a.resultId()), t.rows("SELECT canonical_result_id FROM work_units WHERE id = ?",
                a.workUnitId()).get(0).get(0));
        for (Stats.HostStats h : t.server.stats().hosts()) {
            assertEquals(granted, h.totalCredit(), 1e-9);
            assertEquals(granted * Math.log(2) / 7, h.recentCredit(), 1e-6);
            assertEquals(1, h.valid());
        }
        assertEquals("DONE", t.status(researcher, batch.id()).state());
        AccountCredit mine = slow.api().get("/api/v1/accounts/me").expect(200, AccountCredit.class);
        assertEquals(granted, mine.totalCredit(), 1e-9);
        assertEquals(granted * Math.log(2) / 7, mine.recentCredit(), 1e-6);
        assertEquals(List.of(slow.host()), mine.hosts().stream().map(AccountCredit.HostCredit::hostId).toList());
        assertEquals(granted, mine.hosts().get(0).totalCredit(), 1e-9);
        assertEquals(401, t.anonymous.get("/api/v1/accounts/me").status());
    }

    @Test
    void disagreementMakesResultsInconclusiveAndAThirdReplicaDecides() {
        List<Replica> sent = twoReplicasSent();
        Volunteer honest = sent.get(0).volunteer();
        Volunteer cheat = sent.get(1).volunteer();
        Assignment a = sent.get(0).assignment();
        Assignment b = sent.get(1).assignment();
        complete(sent.get(0), RIGHT, 50);
        complete(sent.get(1), WRONG, 50);
        t.server.runBackgroundPassNow();

        assertEquals("OVER/SUCCESS/INCONCLUSIVE", t.resultState(a.resultId()));
        assertEquals("OVER/SUCCESS/INCONCLUSIVE", t.resultState(b.resultId()));
        assertEquals(List.of(List.of("IN_PROGRESS", "3")), t.rows("SELECT state, target_results FROM work_units"
                + " WHERE id = ?", a.workUnitId()));
        assertEquals(1, t.count("SELECT COUNT(*) FROM results WHERE work_unit_id = ? AND server_state = 'UNSENT'",
                a.workUnitId()), "one more replica");

        Volunteer third = volunteer(1.0);
        Assignment c = fetchOne(third);
        assertEquals(a.workUnitId(), c.workUnitId());
        t.complete(third.api(), third.host(), c.resultId(), RIGHT, 70);
        t.server.runBackgroundPassNow();

        assertEquals("OVER/SUCCESS/VALID", t.resultState(a.resultId()));
        assertEquals("OVER/SUCCESS/INVALID", t.resultState(b.resultId()));
        assertEquals("OVER/SUCCESS/VALID", t.resultState(c.resultId()));
        Stats.HostStats cheatStats = t.server.stats().hosts().stream().filter(h -> h.hostId() == cheat.host())
                .findFirst().orElseThrow();
        assertEquals(0.0, cheatStats.totalCredit());
        assertEquals(1, cheatStats.invalid());
        assertEquals(CreditRules.claimed(60, 1.0), t.server.stats().hosts().stream()
                .filter(h -> h.hostId() == honest.host()).findFirst().orElseThrow().totalCredit(), 1e-9);
    }

    @Test
    void unsentReplicasAreNotNeededOnceCanonicalAndLateResultsAreComparedWithIt() {
        t.submit(researcher, project, new RedundancyPolicy(2, 5, 3, 6, 3600), 1, "blobs.png");
        Volunteer[] v = {volunteer(1.0), volunteer(1.0), volunteer(1.0), volunteer(1.0)};
        Assignment[] a = new Assignment[4];
        for (int i = 0; i < 4; i++) {
            a[i] = fetchOne(v[i]);
        }
        t.complete(v[0].api(), v[0].host(), a[0].resultId(), RIGHT, 10);
        t.complete(v[1].api(), v[1].host(), a[1].resultId(), RIGHT, 30);
        t.server.runBackgroundPassNow();
        assertEquals(1, t.count("SELECT COUNT(*) FROM results WHERE outcome = 'DIDNT_NEED'"));
        assertEquals("DONE", t.workUnitState(a[0].workUnitId()));

        t.complete(v[2].api(), v[2].host(), a[2].resultId(), RIGHT, 1000);
        t.complete(v[3].api(), v[3].host(), a[3].resultId(), WRONG, 10);
        t.server.runBackgroundPassNow();
        assertEquals("OVER/SUCCESS/VALID", t.resultState(a[2].resultId()));
        assertEquals("OVER/SUCCESS/INVALID", t.resultState(a[3].resultId()));
        assertEquals(1, t.count("SELECT COUNT(DISTINCT granted_credit) FROM results WHERE validate_state = 'VALID'"),
                "a late valid result gets the work unit's credit, not its own claim");
    }

    @Test
    void aResultWhoseOutputLeftTheStoreIsAValidateErrorAndTheOthersWaitForAQuorum() throws Exception {
        List<Replica> sent = twoReplicasSent();
        Assignment a = sent.get(0).assignment();
        Assignment b = sent.get(1).assignment();
        complete(sent.get(0), RIGHT, 50);
        String lost = t.rows("SELECT output_sha256 FROM results WHERE id = ?", a.resultId()).get(0).get(0);
        // gone before the quorum is in (a report wakes the validator): outputs are compared by their hashes, but the
        // store must still hold them
        Files.delete(t.server.files().path(lost));
        complete(sent.get(1), WRONG, 50);

        t.server.runBackgroundPassNow();

        assertEquals("OVER/VALIDATE_ERROR/INVALID", t.resultState(a.resultId()));
        assertEquals("output " + lost + " is missing from the store", t.rows("SELECT error_message FROM results"
                + " WHERE id = ?", a.resultId()).get(0).get(0));
        assertEquals("OVER/SUCCESS/INIT", t.resultState(b.resultId()), "one output alone is no quorum");
        assertEquals(0.0, t.server.stats().hosts().stream().mapToDouble(Stats.HostStats::totalCredit).sum());
    }

    @Test
    void noAgreementWithinMaxTotalResultsFailsTheWorkUnitWithTheReason() {
        BatchStatus batch = t.submit(researcher, project, new RedundancyPolicy(2, 2, 3, 3, 3600), 1, "blobs.png");
        byte[][] answers = {output("a"), output("b"), output("c")};
        for (int i = 0; i < 3; i++) {
            Volunteer v = volunteer(1.0);
            Assignment a = fetchOne(v);
            t.complete(v.api(), v.host(), a.resultId(), answers[i], 10);
            t.server.runBackgroundPassNow();
        }
        BatchStatus done = t.status(researcher, batch.id());
        assertEquals("DONE", done.state());
        assertEquals(1, done.workUnitsByState().get("FAILED"));
        String reason = t.rows("SELECT error_reason FROM work_units").get(0).get(0);
        assertTrue(reason.startsWith("no agreement: 3 results disagree and max_total_results (3) is reached"), reason);
        assertEquals(0, t.count("SELECT COUNT(*) FROM results WHERE validate_state = 'VALID'"));
    }

    @Test
    void severalBackgroundThreadsValidateAndMergeEveryWorkUnitOnceAndCreditEveryHostExactly() {
        t.close();
        t = TestServer.start(tmp.resolve("threads"), b -> b.backgroundThreads(3).trustedAfter(0));
        researcher = t.researcher();
        project = t.project(researcher);
        for (int i = 0; i < 4; i++) {
            t.submit(researcher, project, new RedundancyPolicy(2, 2, 3, 6, 3600), 1, "blobs.png", "coins.png",
                    "dotblot.png");
        }
        Volunteer first = volunteer(1.0);
        Volunteer agreeing = volunteer(2.0);
        Volunteer wrong = volunteer(3.0);
        Volunteer decider = volunteer(4.0);
        List<Assignment> firsts = t.fetch(first.api(), first.host(), 1e6);
        assertEquals(12, firsts.size(), "one replica of each of the 12 work units");
        List<Assignment> seconds = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seconds.add(fetchOne(agreeing));
        }
        List<Assignment> wrongs = t.fetch(wrong.api(), wrong.host(), 1e6);
        assertEquals(6, wrongs.size(), "the other second replicas");
        // each host reports all its results in one request, so the passes that follow have several work units
        completeAll(first, firsts, RIGHT, 10);
        completeAll(agreeing, seconds, RIGHT, 20);
        completeAll(wrong, wrongs, WRONG, 30);
        t.server.runBackgroundPassNow();
        assertEquals(6, t.count("SELECT COUNT(*) FROM work_units WHERE state = 'DONE'"));
        assertEquals(12, t.count("SELECT COUNT(*) FROM results WHERE validate_state = 'INCONCLUSIVE'"));
        List<Assignment> thirds = t.fetch(decider.api(), decider.host(), 1e6);
        assertEquals(6, thirds.size(), "a third replica of each undecided work unit");
        completeAll(decider, thirds, RIGHT, 40);
        t.server.runBackgroundPassNow();

        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(th -> th.getName().startsWith("sparecycles-background-helper-")), "the passes used helper threads");
        assertEquals(12, t.count("SELECT COUNT(*) FROM work_units WHERE state = 'DONE'"));
        assertEquals(4, t.count("SELECT COUNT(*) FROM batches WHERE state = 'DONE'"), "every batch closed once merged");
        assertEquals(0, t.count("SELECT COUNT(*) FROM batch_files WHERE output_sha256 IS NULL"));
        assertEquals(24, t.count("SELECT COUNT(*) FROM results WHERE validate_state = 'VALID'"));
        assertEquals(6, t.count("SELECT COUNT(*) FROM results WHERE validate_state = 'INVALID' AND host_id = ?",
                wrong.host()));
        assertEquals(24, t.count("SELECT COUNT(*) FROM credit_grants"), "one grant per valid result");
        assertEquals(0, t.count("SELECT COUNT(*) FROM hosts h WHERE ABS(h.total_credit - (SELECT"
                + " COALESCE(SUM(r.granted_credit), 0) FROM results r WHERE r.host_id = h.id"
                + " AND r.validate_state = 'VALID')) > 1e-9"), "each host's total is the sum of its valid results");
        assertEquals(List.of(List.of("12", "12", "0"), List.of("6", "6", "0"), List.of("0", "0", "6"),
                List.of("6", "6", "0")), t.rows("SELECT consecutive_valid, valid_results, invalid_results"
                + " FROM host_app_trust WHERE host_id IN (?, ?, ?, ?) ORDER BY host_id", first.host(), agreeing.host(),
                wrong.host(), decider.host()), "each verdict reached its host's trust once");
    }

    /** Uploads every output, then reports them all in one scheduler request. */
    private void completeAll(Volunteer v, List<Assignment> assignments, byte[] output, double cpuSeconds) {
        assignments.forEach(a -> t.upload(v.api(), a.resultId(), output));
        t.schedule(v.api(), v.host(), 0, assignments.stream().map(a -> TestServer.success(a.resultId(), output,
                cpuSeconds)).toArray(org.sparecycles.workunits.protocol.ResultReport[]::new)).expect(200,
                org.sparecycles.workunits.protocol.SchedulerReply.class);
    }
}

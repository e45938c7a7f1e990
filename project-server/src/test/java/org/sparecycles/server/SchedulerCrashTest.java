package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.h2.mvstore.tx.Transaction;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;
import org.sparecycles.workunits.samples.SampleImages;

/**
 * What the scheduler's replies promised survives the server being killed with SIGKILL: a real server in a child
 * process on embedded H2, which writes its store only every half second or so, answers a host's requests as fast as
 * they come and is killed right after the last answer; started again on the same data dir, the database holds every
 * result the host was sent and every report it was told was acknowledged (the scheduler's journal, applied again at
 * the start).
 */
class SchedulerCrashTest {
    private static final byte[] OUTPUT = "{\"files\":[]}".getBytes(StandardCharsets.UTF_8);
    private static final int WORK_UNITS = 80;

    @TempDir
    Path tmp;

    @Test
    void everySentResultAndAcknowledgedReportSurvivesTheServerBeingKilled() throws Exception {
        Path data = tmp.resolve("data");
        Api volunteer;
        long host;
        try (TestServer t = TestServer.start(data)) {
            Api researcher = t.researcher();
            long project = t.project(researcher);
            Multipart form = new Multipart().json("batch", TestServer.json(new org.sparecycles.workunits.protocol
                    .BatchSubmission(project, "crash batch", "particle-count", TestServer.PARAMETERS,
                    new RedundancyPolicy(1, 1, 3, 6, 3600), 1)));
            for (int i = 0; i < WORK_UNITS; i++) {
                form.file("file", "blobs-" + i + ".png", SampleImages.bytes("blobs.png"));
            }
            researcher.postMultipart("/api/v1/batches", form).expect(201,
                    org.sparecycles.workunits.protocol.BatchStatus.class);
            volunteer = t.volunteer();
            host = t.host(volunteer, 1.0);
            // no background pass runs in the child, so its own write at the end of each pass (poked by every report)
            // does not write the scheduler's changes: they are in the database file only when H2 wrote its store
            t.leaseHeldElsewhere(true);
        }

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ServerChild.class.getName(), data.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<Long, Assignment> sent = new TreeMap<>();
        List<Long> acknowledged = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            int port = Integer.parseInt(out.readLine().trim());
            Api v = volunteer.at(URI.create("http://127.0.0.1:" + port + "/"));
            List<Long> inProgress = new ArrayList<>();
            Assignment previous = null;
            // each request reports the result received before and asks for one more: every reply both acknowledges
            // and sends, as fast as the server answers
            for (int i = 0; i < WORK_UNITS / 2; i++) {
                List<ResultReport> reports = new ArrayList<>();
                if (previous != null) {
                    v.put("/api/v1/results/" + previous.resultId() + "/output", OUTPUT, Sha256.hex(OUTPUT))
                            .expect(200, org.sparecycles.workunits.protocol.UploadReceipt.class);
                    reports.add(TestServer.success(previous.resultId(), OUTPUT, 1));
                    inProgress.remove(previous.resultId());
                }
                SchedulerReply reply = v.post("/api/v1/scheduler", new SchedulerRequest(host, reports, 1, inProgress))
                        .expect(200, SchedulerReply.class);
                acknowledged.addAll(reply.acknowledged());
                assertEquals(1, reply.assignments().size(), "one result a request: " + reply);
                previous = reply.assignments().get(0);
                sent.put(previous.resultId(), previous);
                inProgress.add(previous.resultId());
            }
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close of the database
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(WORK_UNITS / 2 - 1, acknowledged.size());

        assertPromisesKept(data, sent.keySet(), acknowledged, host);
    }

    /**
     * A data dir copied right after such a kill (80 work units, 40 results sent to host 1, the first 39 reported):
     * H2's store was written while a commit was half done, so H2 2.5.252 opens it with that transaction left over as
     * committed but not applied, its rows locked for good (see {@code LeftoverCommits}). The restart applies it, and
     * then the journal, and every promise is kept; without that, the journal's replay waits on those rows for ever.
     */
    @Test
    void promisesAreKeptWhenTheKillLeftACommitHalfWritten() throws Exception {
        Path data = tmp.resolve("data");
        copyResource("half-applied-commit", data);
        Path copy = tmp.resolve("copy");
        copyResource("half-applied-commit", copy);
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + copy.resolve("db/sparecycles"), "sa", "")) {
            var session = (org.h2.engine.SessionLocal) c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession();
            assertEquals(List.of(Transaction.STATUS_COMMITTED), session.getDatabase().getStore().getTransactionStore()
                    .getOpenTransactions().stream().map(Transaction::getStatus).toList(),
                    "the captured store holds a transaction committed but not applied");
        }
        Set<Long> sent = LongStream.rangeClosed(1, WORK_UNITS / 2).boxed().collect(Collectors.toSet());
        List<Long> acknowledged = LongStream.range(1, WORK_UNITS / 2).boxed().toList();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertPromisesKept(data, sent, acknowledged, 1),
                "the restart waits on the rows of the transaction left over");
    }

    /** After a restart on the data dir, the database holds what the replies promised the host, and nothing more. */
    private static void assertPromisesKept(Path data, Set<Long> sent, List<Long> acknowledged, long host)
            throws Exception {
        try (TestServer t = TestServer.start(data)) {
            List<String> lost = new ArrayList<>();
            for (long id : sent) {
                String expected = (acknowledged.contains(id) ? "OVER/SUCCESS/INIT" : "IN_PROGRESS/null/INIT")
                        + " host " + host;
                String found = t.resultState(id) + " host "
                        + t.rows("SELECT host_id FROM results WHERE id = ?", id).get(0).get(0);
                if (!expected.equals(found)) {
                    lost.add("result " + id + ": " + found + ", but the host was told " + expected);
                }
            }
            assertEquals(List.of(), lost, "what the replies promised, after the restart");
            assertEquals(WORK_UNITS / 2, t.count("SELECT COUNT(*) FROM results WHERE server_state <> 'UNSENT'"),
                    "no other result was sent");
            assertEquals(WORK_UNITS / 2 - 1, t.count("SELECT COUNT(*) FROM work_units WHERE state = 'VALIDATING'"),
                    "the work units whose one result was reported await validation");
            assertEquals(1, t.count("SELECT COUNT(*) FROM work_units WHERE state = 'IN_PROGRESS'"),
                    "the work unit of the result not yet reported is in progress");
            try (var journal = Files.list(data.resolve("journal"))) {
                assertEquals(1, journal.count(), "the journal starts over once applied: one empty segment");
            }
        }
    }

    private static void copyResource(String name, Path to) throws Exception {
        Path from = Path.of(SchedulerCrashTest.class.getResource(name).toURI());
        try (var files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Serves the data dir given on a free port, printed once it listens; runs until killed. */
    public static final class ServerChild {
        public static void main(String[] args) throws InterruptedException {
            ProjectServer server = ProjectServer.start(ServerConfig.builder().port(0).dataDir(Path.of(args[0]))
                    .backgroundIntervalSeconds(3600).schedulerRequestDelaySeconds(1).schedulerIdleDelaySeconds(1)
                    .build());
            System.out.println(server.port());
            System.out.flush();
            Thread.currentThread().join(); // serves until the test kills this process
        }
    }
}

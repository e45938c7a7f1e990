package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.cli.ServerMain;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.AppRunner;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.json.CanonicalJson;
import org.sparecycles.workunits.protocol.AccountSession;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.CreateProjectRequest;
import org.sparecycles.workunits.protocol.LoginRequest;
import org.sparecycles.workunits.protocol.ProjectInfo;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.samples.SampleImages;

/**
 * Two server nodes (separate processes) share one real PostgreSQL database and one data dir. Volunteers are
 * spread over both; node A is killed (kill -9) in the middle of the batch while it holds the background lease and
 * one volunteer's work; node B takes the lease over, reissues the lost work after its deadline, and the batch
 * completes with every credit granted exactly once.
 */
class MultiNodeTest {
    private static final List<String> SAMPLES = List.of("blobs.png", "dotblot.png", "coins.png");
    private static final long DEADLINE_SECONDS = 12;

    @TempDir
    Path tmp;
    private final List<Process> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() throws InterruptedException {
        for (Process p : nodes) {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void batchCompletesOnTheSurvivingNodeAndCreditIsGrantedOnce() throws Exception {
        Path shared = tmp.resolve("shared-data");
        String db = PostgresCluster.shared().databaseFor(shared);
        assertEquals(0, ServerMain.commandLine().execute("user", "add", "--researcher", "--email", "r@nodes.test",
                "--password", "researcher-password", "--data-dir", shared.toString(), "--db", db));

        URI a = startNode("a", shared, db);
        URI b = startNode("b", shared, db);

        Api researcher = logIn(a, "r@nodes.test", "researcher-password");
        long project = researcher.post("/api/v1/projects", new CreateProjectRequest("Two nodes", "shared database"))
                .expect(201, ProjectInfo.class).id();
        BatchStatus batch = researcher.postMultipart("/api/v1/batches", TestServer.batchForm(project,
                new RedundancyPolicy(2, 2, 3, 6, DEADLINE_SECONDS), 1, SAMPLES.toArray(String[]::new)))
                .expect(201, BatchStatus.class);

        RemoteVolunteer onA1 = RemoteVolunteer.join(a, "a1@nodes.test");
        RemoteVolunteer onA2 = RemoteVolunteer.join(a, "a2@nodes.test");
        RemoteVolunteer onB1 = RemoteVolunteer.join(b, "b1@nodes.test");
        RemoteVolunteer onB2 = RemoteVolunteer.join(b, "b2@nodes.test");

        // a1 finishes one result on node A; a2 takes work on node A and never returns it
        List<Assignment> first = onA1.fetch(1);
        assertEquals(1, first.size());
        onA1.complete(first.get(0));
        assertTrue(!onA2.fetch(1).isEmpty(), "a2 holds work when node A dies");

        nodes.get(0).destroyForcibly(); // kill -9 of node A
        nodes.get(0).waitFor(20, TimeUnit.SECONDS);

        // the volunteers of node B work until node B has merged the batch
        Api researcherOnB = logIn(b, "r@nodes.test", "researcher-password");
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        BatchStatus status = batch;
        Object tick = new Object();
        while (!"DONE".equals(status.state())) {
            assertTrue(System.nanoTime() < end, () -> "batch not done on node B within 3 minutes: " + researcherOnB
                    .get("/api/v1/batches/" + batch.id()).text() + "\nnode B's log (end):\n" + tail(log("b")));
            for (RemoteVolunteer v : List.of(onB1, onB2)) {
                for (Assignment assignment : v.fetch(1)) {
                    v.complete(assignment);
                }
            }
            status = researcherOnB.get("/api/v1/batches/" + batch.id()).expect(200, BatchStatus.class);
            synchronized (tick) {
                tick.wait(250);
            }
        }
        assertEquals(3, status.workUnitsByState().getOrDefault("DONE", 0), status::toString);

        JsonNode merged = CanonicalJson.read(researcherOnB.get("/api/v1/batches/" + batch.id() + "/results.json")
                .body()).get("files");
        ScienceApp app = AppRegistry.builtIn().find("particle-count").orElseThrow();
        for (int i = 0; i < SAMPLES.size(); i++) {
            byte[] local = AppRunner.run(app, app.parseParameters(TestServer.PARAMETERS),
                    List.of(new InputFile(SAMPLES.get(i), SampleImages.bytes(SAMPLES.get(i)))));
            assertEquals(CanonicalJson.read(local).get("files").get(0), merged.get(i), SAMPLES.get(i));
        }
        assertCreditGrantedOnce(db, batch.id());
        try (Connection c = DriverManager.getConnection(db);
             PreparedStatement ps = c.prepareStatement("SELECT holder FROM background_lease");
             ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), "the background lease was taken");
            assertTrue(rs.getString(1).contains(":" + b.getPort() + "/"), "node B took the lease over: " + rs.getString(1));
        }
    }

    /** Every account's total is the sum of its granted results; each valid result of a work unit got the same. */
    private static void assertCreditGrantedOnce(String db, long batchId) throws Exception {
        try (Connection c = DriverManager.getConnection(db)) {
            Map<Long, Double> perAccount = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT r.account_id, r.work_unit_id, r.validate_state,"
                    + " COALESCE(r.granted_credit, 0), COALESCE(w.granted_credit, 0) FROM results r"
                    + " JOIN work_units w ON w.id = r.work_unit_id WHERE w.batch_id = ?")) {
                ps.setLong(1, batchId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        double granted = rs.getDouble(4);
                        if ("VALID".equals(rs.getString(3))) {
                            assertEquals(rs.getDouble(5), granted, 1e-12, "valid result of work unit " + rs.getLong(2));
                            assertTrue(granted > 0);
                        } else {
                            assertEquals(0, granted, 0, "credit only for valid results");
                        }
                        if (rs.getObject(1) != null) {
                            perAccount.merge(rs.getLong(1), granted, Double::sum);
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id, total_credit FROM accounts");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertEquals(perAccount.getOrDefault(rs.getLong(1), 0.0), rs.getDouble(2), 1e-9,
                            "account " + rs.getLong(1) + " total credit is the sum of its granted results");
                }
            }
        }
    }

    private URI startNode(String name, Path dataDir, String db) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(), "serve",
                "--port", Integer.toString(port), "--data-dir", dataDir.toString(), "--db", db)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("node-" + name + ".log").toFile());
        pb.environment().put("SPARECYCLES_BACKGROUND_INTERVAL_SECONDS", "1");
        pb.environment().put("SPARECYCLES_SCHEDULER_REQUEST_DELAY_SECONDS", "0");
        pb.environment().put("SPARECYCLES_SCHEDULER_IDLE_DELAY_SECONDS", "1");
        Process node = pb.start();
        nodes.add(node);
        URI base = URI.create("http://127.0.0.1:" + port + "/");
        Api anonymous = new Api(base, null);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Object tick = new Object();
        while (true) {
            assertTrue(node.isAlive(), () -> "node " + name + " exited: " + log(name));
            try {
                if (anonymous.get("/api/v1/health").status() == 200) {
                    return base;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            assertTrue(System.nanoTime() < end, () -> "node " + name + " not up within 60 s: " + log(name));
            synchronized (tick) {
                tick.wait(100);
            }
        }
    }

    private String log(String name) {
        try {
            return Files.readString(tmp.resolve("node-" + name + ".log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String tail(String text) {
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }

    private static Api logIn(URI node, String email, String password) {
        return new Api(node, new Api(node, null).post("/api/v1/accounts/login", new LoginRequest(email, password))
                .expect(200, AccountSession.class).authenticator());
    }
}

package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparecycles.client.testing.Await;
import org.sparecycles.server.db.Database;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * The server is killed with kill -9 in the middle of a batch while three real clients compute, then started
 * again on the same port and data dir. The batch completes, equal to a local run; no result is lost or counted
 * twice, and the credit totals of hosts and accounts equal the sum of the grants.
 */
class KilledServerTest extends EndToEndTest {
    private static final List<String> SAMPLES = List.of("blobs.png", "dotblot.png", "coins.png", "cell.png",
            "blobs_original_indexed.png");
    private static final Map<String, String> PARAMETERS = Map.of("sigma", "1", "polarity", "bright", "min_area", "10");

    @Test
    void serverKilledMidBatchLosesNothingAndCountsNothingTwice() throws Exception {
        Path data = tmp.resolve("server");
        Path config = tmp.resolve("server.properties");
        Files.writeString(config, "background.interval.seconds=1\nscheduler.request.delay.seconds=1\n"
                + "scheduler.idle.delay.seconds=1\n");
        ServerProcess.run(tmp.resolve("user-add.out"), "user", "add", "--email", "researcher@e2e.test",
                "--password", "researcher-password", "--researcher", "--data-dir", data.toString());
        ServerProcess server = ServerProcess.start(data, config);
        closeAfter(server);
        Researcher researcher = Researcher.logIn(server.uri(), "researcher@e2e.test", "researcher-password");
        long project = researcher.createProject("Crashing server").id();
        BatchStatus batch = researcher.submit(project, SAMPLES, PARAMETERS, new RedundancyPolicy(2, 2, 3, 6, 3600), 1);

        List<ClientProcess> clients = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ClientProcess c = ClientProcess.start(server.uri(), "v" + i + "@e2e.test", tmp.resolve("v" + i),
                    "--task-delay-ms=400", "--max-backoff-seconds=2");
            closeAfter(c);
            clients.add(c);
        }
        Await.until(() -> succeeded(researcher.status(batch.id())) >= 2, Duration.ofMinutes(2),
                () -> "no result was reported before the kill:\n" + server.tail());
        assertEquals("IN_PROGRESS", researcher.status(batch.id()).state(), "killed in the middle of the batch");
        server.killHard();
        for (ClientProcess c : clients) {
            c.awaitOutput("retrying in", Duration.ofMinutes(1));
        }
        server.launch();

        BatchStatus done = researcher.awaitDone(batch.id(), Duration.ofMinutes(3), clients.toArray(ClientProcess[]::new));
        assertEquals("DONE", done.state(), done::toString);
        List<JsonNode> local = LocalAppRun.perFile(tmp.resolve("local"), PARAMETERS, SAMPLES);
        JsonNode merged = researcher.resultsJson(batch.id()).get("files");
        for (int i = 0; i < SAMPLES.size(); i++) {
            assertEquals(local.get(i), merged.get(i), SAMPLES.get(i));
        }
        for (ClientProcess c : clients) {
            c.close();
        }
        server.stop();

        try (Database db = Database.open(data); Connection c = db.dataSource().getConnection();
             Statement s = c.createStatement()) {
            assertEquals(0, number(s, "SELECT COUNT(*) FROM work_units WHERE state <> 'DONE' OR canonical_result_id IS NULL"));
            assertEquals(0, number(s, "SELECT COUNT(*) FROM results WHERE server_state = 'IN_PROGRESS'"));
            assertEquals(number(s, "SELECT COUNT(*) FROM results WHERE validate_state = 'VALID'"),
                    number(s, "SELECT COUNT(*) FROM credit_grants"), "one grant per valid result, none twice");
            assertTrue(number(s, "SELECT COUNT(*) FROM results WHERE validate_state = 'VALID'") >= 2 * SAMPLES.size());
            double granted = number(s, "SELECT SUM(granted_credit) FROM results WHERE validate_state = 'VALID'");
            assertEquals(granted, number(s, "SELECT SUM(amount) FROM credit_grants"), 1e-9);
            assertEquals(granted, number(s, "SELECT SUM(total_credit) FROM hosts"), 1e-9);
            assertEquals(granted, number(s, "SELECT SUM(total_credit) FROM accounts"), 1e-9);
            assertEquals(0, number(s, "SELECT COUNT(*) FROM hosts h WHERE ABS(h.total_credit - (SELECT"
                    + " COALESCE(SUM(r.granted_credit), 0) FROM results r WHERE r.host_id = h.id"
                    + " AND r.validate_state = 'VALID')) > 1e-9"), "each host's total is the sum of its grants");
            assertEquals(0, number(s, "SELECT COUNT(*) FROM (SELECT work_unit_id, host_id FROM results"
                    + " WHERE host_id IS NOT NULL GROUP BY work_unit_id, host_id HAVING COUNT(*) > 1) t"),
                    "no host got two results of one work unit");
        }
    }

    private static long succeeded(BatchStatus status) {
        return status.resultsByState().getOrDefault("SUCCESS", 0);
    }

    private static double number(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }
}

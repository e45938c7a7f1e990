package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sparecycles.client.testing.Await;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * The spine end to end: a real server on port 0 with real H2 files, three real headless clients in their own
 * JVMs running real worker processes on real images, one of them faulty.
 */
class SpineEndToEndTest extends EndToEndTest {
    private static final List<String> SAMPLES = List.of("blobs.png", "dotblot.png", "blobs_original_indexed.png");
    private static final Map<String, String> PARAMETERS = Map.of("sigma", "1", "polarity", "dark", "min_area", "10");

    @Test
    void batchIsMergedFromQuorumAndFaultyVolunteerIsInvalidAndUncredited() throws Exception {
        ProjectServer server = startServer();
        Researcher researcher = researcherOn(server);
        long project = researcher.createProject("Blobs").id();
        BatchStatus batch = researcher.submit(project, SAMPLES, PARAMETERS, RedundancyPolicy.DEFAULT, 1);
        assertEquals(3, batch.workUnits());

        // The faulty volunteer starts first and must hold work before the honest ones join, so it is tested.
        ClientProcess faulty = ClientProcess.start(server.baseUri(), "faulty@e2e.test", tmp.resolve("c3"),
                "--fault-injection=wrong-results");
        closeAfter(faulty);
        Await.until(() -> results(server, batch.id()).containsKey("faulty@e2e.test"), Duration.ofMinutes(1),
                () -> "the faulty volunteer never got work:\n" + faulty.tail());
        ClientProcess honest1 = ClientProcess.start(server.baseUri(), "honest1@e2e.test", tmp.resolve("c1"));
        ClientProcess honest2 = ClientProcess.start(server.baseUri(), "honest2@e2e.test", tmp.resolve("c2"));
        closeAfter(honest1);
        closeAfter(honest2);

        BatchStatus done = researcher.awaitDone(batch.id(), Duration.ofMinutes(4), honest1, honest2, faulty);
        assertEquals("DONE", done.state(), done::toString);

        List<JsonNode> local = LocalAppRun.perFile(tmp.resolve("local"), PARAMETERS, SAMPLES);
        JsonNode merged = researcher.resultsJson(batch.id()).get("files");
        assertEquals(SAMPLES.size(), merged.size());
        for (int i = 0; i < SAMPLES.size(); i++) {
            assertEquals(local.get(i), merged.get(i), "merged result of " + SAMPLES.get(i) + " differs from app run");
        }
        String csv = researcher.resultsCsv(batch.id());
        int objects = 0;
        for (JsonNode file : local) {
            objects += file.get("count").asInt();
        }
        assertEquals(objects + 1, csv.lines().count(), "one CSV row per object plus the header");

        Map<String, List<Row>> byAccount = results(server, batch.id());
        List<Row> faultyRows = byAccount.getOrDefault("faulty@e2e.test", List.of());
        List<Row> checkedFaulty = faultyRows.stream().filter(r -> !r.validateState().equals("INIT")).toList();
        assertTrue(!checkedFaulty.isEmpty(), "the faulty host's results were validated: " + byAccount);
        assertTrue(checkedFaulty.stream().allMatch(r -> r.validateState().equals("INVALID")), faultyRows::toString);
        assertTrue(faultyRows.stream().allMatch(r -> r.grantedCredit() == 0), faultyRows::toString);
        assertEquals(0.0, accountCredit(server, "faulty@e2e.test"));

        Map<Long, Set<Double>> creditPerWorkUnit = new HashMap<>();
        int valid = 0;
        for (String honest : List.of("honest1@e2e.test", "honest2@e2e.test")) {
            for (Row r : byAccount.getOrDefault(honest, List.of())) {
                if (r.validateState().equals("VALID")) {
                    valid++;
                    assertTrue(r.grantedCredit() > 0, r::toString);
                    creditPerWorkUnit.computeIfAbsent(r.workUnitId(), k -> new HashSet<>()).add(r.grantedCredit());
                }
            }
        }
        assertTrue(valid >= 2 * SAMPLES.size(), "every work unit has a quorum of valid honest results: " + byAccount);
        creditPerWorkUnit.forEach((wu, credits) ->
                assertEquals(1, credits.size(), "valid results of work unit " + wu + " got different credit " + credits));
        assertTrue(accountCredit(server, "honest1@e2e.test") > 0);
        assertTrue(accountCredit(server, "honest2@e2e.test") > 0);
    }

    record Row(long resultId, long workUnitId, String outcome, String validateState, double grantedCredit) {
    }

    static Map<String, List<Row>> results(ProjectServer server, long batchId) throws Exception {
        Map<String, List<Row>> out = new HashMap<>();
        try (Connection c = server.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT a.email, r.id, r.work_unit_id, r.outcome, r.validate_state, COALESCE(r.granted_credit, 0)"
                        + " FROM results r JOIN accounts a ON a.id = r.account_id"
                        + " JOIN work_units w ON w.id = r.work_unit_id WHERE w.batch_id = ?")) {
            ps.setLong(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Row(rs.getLong(2),
                            rs.getLong(3), rs.getString(4), rs.getString(5), rs.getDouble(6)));
                }
            }
        }
        return out;
    }

    static double accountCredit(ProjectServer server, String email) throws Exception {
        try (Connection c = server.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT total_credit FROM accounts WHERE email = ?")) {
            ps.setString(1, email);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no account " + email);
                return rs.getDouble(1);
            }
        }
    }
}

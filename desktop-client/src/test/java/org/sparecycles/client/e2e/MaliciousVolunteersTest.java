package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sparecycles.client.testing.Await;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * A third of the volunteers are hostile: one always wrong in its own way, one wrong at random, and two accounts
 * that collude (identical wrong answers). With {@code min_quorum} 5 a result needs 3 agreeing results, so up to 2
 * colluding accounts per work unit cannot win (the collusion limit is {@code floor(min_quorum / 2)}, see
 * docs/trust.md). The merged batch must equal a local run of the app and no hostile account may earn credit.
 */
class MaliciousVolunteersTest extends EndToEndTest {
    private static final List<String> SAMPLES = List.of("blobs.png", "dotblot.png", "coins.png", "cell.png");
    private static final Map<String, String> PARAMETERS = Map.of("sigma", "1", "polarity", "bright", "min_area", "10");
    private static final Map<String, String> HOSTILE = new LinkedHashMap<>();

    static {
        HOSTILE.put("colluder1@e2e.test", "colluding");
        HOSTILE.put("colluder2@e2e.test", "colluding");
        HOSTILE.put("stubborn@e2e.test", "consistently-wrong");
        HOSTILE.put("random@e2e.test", "randomly-wrong");
    }

    @Test
    void hostileThirdLeavesNoWrongRowAndEarnsNoCredit() throws Exception {
        ProjectServer server = startServer();
        Researcher researcher = researcherOn(server);
        long project = researcher.createProject("Hostile").id();
        BatchStatus batch = researcher.submit(project, SAMPLES, PARAMETERS, new RedundancyPolicy(5, 5, 6, 12, 3600), 1);

        List<ClientProcess> clients = new ArrayList<>();
        // The hostile volunteers come first, one after the other, so they share work units and all get work.
        for (Map.Entry<String, String> h : HOSTILE.entrySet()) {
            ClientProcess c = ClientProcess.start(server.baseUri(), h.getKey(), tmp.resolve(h.getKey()),
                    "--fault-injection=" + h.getValue());
            closeAfter(c);
            clients.add(c);
            Await.until(() -> rows(server, batch.id()).containsKey(h.getKey()), Duration.ofMinutes(1),
                    () -> h.getKey() + " never got work:\n" + c.tail());
        }
        for (int i = 1; i <= 8; i++) {
            ClientProcess c = ClientProcess.start(server.baseUri(), "honest" + i + "@e2e.test",
                    tmp.resolve("honest" + i));
            closeAfter(c);
            clients.add(c);
        }

        BatchStatus done = researcher.awaitDone(batch.id(), Duration.ofMinutes(4),
                clients.toArray(ClientProcess[]::new));
        assertEquals("DONE", done.state(), done::toString);

        List<JsonNode> local = LocalAppRun.perFile(tmp.resolve("local"), PARAMETERS, SAMPLES);
        JsonNode merged = researcher.resultsJson(batch.id()).get("files");
        for (int i = 0; i < SAMPLES.size(); i++) {
            assertEquals(local.get(i), merged.get(i), "merged result of " + SAMPLES.get(i) + " differs from app run");
        }

        Map<String, List<Row>> byAccount = rows(server, batch.id());
        for (String hostile : HOSTILE.keySet()) {
            List<Row> rows = byAccount.getOrDefault(hostile, List.of());
            assertTrue(rows.stream().anyMatch(r -> r.validateState().equals("INVALID")),
                    hostile + " was tested and caught: " + rows);
            assertTrue(rows.stream().noneMatch(r -> r.validateState().equals("VALID")), hostile + ": " + rows);
            assertTrue(rows.stream().allMatch(r -> r.grantedCredit() == 0), hostile + ": " + rows);
            assertEquals(0.0, SpineEndToEndTest.accountCredit(server, hostile), hostile);
        }
        Map<Long, String> colluder1 = outputs(byAccount.get("colluder1@e2e.test"));
        Map<Long, String> colluder2 = outputs(byAccount.get("colluder2@e2e.test"));
        Set<Long> shared = new HashSet<>(colluder1.keySet());
        shared.retainAll(colluder2.keySet());
        assertFalse(shared.isEmpty(), "the colluders met in a work unit: " + byAccount);
        for (long wu : shared) {
            assertEquals(colluder1.get(wu), colluder2.get(wu), "colluders answer identically in work unit " + wu);
        }
        double honestCredit = 0;
        for (int i = 1; i <= 8; i++) {
            honestCredit += SpineEndToEndTest.accountCredit(server, "honest" + i + "@e2e.test");
        }
        assertTrue(honestCredit > 0);
    }

    record Row(long workUnitId, String outputSha256, String validateState, double grantedCredit) {
    }

    private static Map<Long, String> outputs(List<Row> rows) {
        Map<Long, String> out = new HashMap<>();
        for (Row r : rows) {
            if (r.outputSha256() != null) {
                out.put(r.workUnitId(), r.outputSha256());
            }
        }
        return out;
    }

    private static Map<String, List<Row>> rows(ProjectServer server, long batchId) throws Exception {
        Map<String, List<Row>> out = new HashMap<>();
        try (Connection c = server.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT a.email, r.work_unit_id, r.output_sha256, r.validate_state, COALESCE(r.granted_credit, 0)"
                        + " FROM results r JOIN accounts a ON a.id = r.account_id"
                        + " JOIN work_units w ON w.id = r.work_unit_id WHERE w.batch_id = ?")) {
            ps.setLong(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Row(rs.getLong(2),
                            rs.getString(3), rs.getString(4), rs.getDouble(5)));
                }
            }
        }
        return out;
    }
}

package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sparecycles.client.testing.Await;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/** A volunteer killed with kill -9 in the middle of a task resumes from its checkpoint after a restart. */
class KilledVolunteerTest extends EndToEndTest {
    private static final List<String> SAMPLES = List.of("blobs.png", "dotblot.png", "coins.png", "cell.png");
    private static final Map<String, String> PARAMETERS = Map.of("sigma", "2", "polarity", "bright", "min_area", "50");
    private static final Pattern RESUMED = Pattern.compile("resumed result (\\d+) from checkpoint after (\\d+) of (\\d+) files");

    @Test
    void volunteerKilledMidTaskResumesFromItsCheckpointAndTheBatchCompletes() throws Exception {
        ProjectServer server = startServer();
        Researcher researcher = researcherOn(server);
        long project = researcher.createProject("Crashes").id();
        BatchStatus batch = researcher.submit(project, SAMPLES, PARAMETERS, new RedundancyPolicy(1, 1, 3, 3, 3600),
                SAMPLES.size());
        assertEquals(1, batch.workUnits());

        ClientProcess client = ClientProcess.start(server.baseUri(), "crashy@e2e.test", tmp.resolve("client"),
                "--task-delay-ms=1500");
        closeAfter(client);
        Path checkpointed = tmp.resolve("client");
        Await.until(() -> CheckpointProbe.filesDone(checkpointed) >= 1, Duration.ofMinutes(2),
                () -> "no checkpoint was written:\n" + client.tail());
        int before = CheckpointProbe.filesDone(checkpointed);
        assertTrue(before < SAMPLES.size(), "killed mid-task, not after it");
        client.killHard();

        client.restart();
        client.awaitOutput("from checkpoint after", Duration.ofMinutes(1));
        Matcher m = RESUMED.matcher(client.output());
        assertTrue(m.find(), client::tail);
        assertTrue(Integer.parseInt(m.group(2)) >= before, "resumed after at least the files checkpointed before the kill");
        assertEquals(SAMPLES.size(), Integer.parseInt(m.group(3)));

        BatchStatus done = researcher.awaitDone(batch.id(), Duration.ofMinutes(3), client);
        assertEquals("DONE", done.state(), done::toString);
        List<JsonNode> local = LocalAppRun.perFile(tmp.resolve("local"), PARAMETERS, SAMPLES);
        JsonNode merged = researcher.resultsJson(batch.id()).get("files");
        for (int i = 0; i < SAMPLES.size(); i++) {
            assertEquals(local.get(i), merged.get(i), SAMPLES.get(i));
        }
    }
}

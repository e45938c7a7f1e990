package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.AppRunner;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.CanonicalJson;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.InputRef;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.samples.SampleImages;

/** The whole flow with the real app: volunteers download, compute, upload; the researcher downloads results. */
class MergedResultsTest {
    static final List<String> SAMPLES = List.of("blobs.png", "dotblot.png", "coins.png");

    @TempDir
    Path tmp;

    /** What a volunteer's worker does: download the inputs (hash-checked) and run the app. */
    static byte[] compute(Api volunteer, Assignment a) throws Exception {
        ScienceApp app = AppRegistry.builtIn().find(a.app()).orElseThrow();
        List<InputFile> inputs = new ArrayList<>();
        for (InputRef ref : a.inputs()) {
            byte[] bytes = volunteer.get(ref.url()).body();
            assertEquals(ref.sha256(), Sha256.hex(bytes));
            inputs.add(new InputFile(ref.name(), bytes));
        }
        return AppRunner.run(app, app.parseParameters(a.parameters()), inputs);
    }

    @Test
    void mergedResultsHoldTheCanonicalOutputOfEveryFileInSubmissionOrder() throws Exception {
        try (TestServer t = TestServer.start(tmp.resolve("data"))) {
            Api researcher = t.researcher();
            BatchStatus batch = t.submit(researcher, t.project(researcher), new RedundancyPolicy(2, 2, 3, 6, 3600), 2,
                    SAMPLES.toArray(String[]::new));
            assertEquals(2, batch.workUnits());
            JsonNode pending = CanonicalJson.read(researcher.get("/api/v1/batches/" + batch.id() + "/results.json")
                    .body()).get("files");
            assertEquals(SAMPLES.size(), pending.size());
            assertTrue(pending.get(2).get("pending").asBoolean(), pending::toString);
            for (int i = 0; i < 2; i++) {
                Api v = t.volunteer();
                long host = t.host(v, 3.0);
                for (Assignment a : t.fetch(v, host, 1_000)) {
                    t.complete(v, host, a.resultId(), compute(v, a), 20);
                }
            }
            t.server.runBackgroundPassNow();

            BatchStatus done = t.status(researcher, batch.id());
            assertEquals("DONE", done.state(), done::toString);
            assertEquals(2, done.workUnitsByState().get("DONE"));
            assertEquals(4, done.resultsByState().get("SUCCESS"));

            ScienceApp app = AppRegistry.builtIn().find("particle-count").orElseThrow();
            JsonNode merged = CanonicalJson.read(researcher.get("/api/v1/batches/" + batch.id() + "/results.json").body());
            assertEquals(batch.id(), merged.get("batch").asLong());
            assertEquals("particle-count", merged.get("app").asText());
            assertEquals("10", merged.get("parameters").get("min_area").asText());
            int objects = 0;
            for (int i = 0; i < SAMPLES.size(); i++) {
                String name = SAMPLES.get(i);
                JsonNode local = CanonicalJson.read(AppRunner.run(app, app.parseParameters(TestServer.PARAMETERS),
                        List.of(new InputFile(name, SampleImages.bytes(name))))).get("files").get(0);
                assertEquals(local, merged.get("files").get(i), name);
                objects += local.get("count").asInt();
            }
            assertEquals(61, merged.get("files").get(0).get("count").asInt(), "blobs.png, sigma 1, min_area 10");

            List<String> csv = researcher.get("/api/v1/batches/" + batch.id() + "/results.csv").text().lines().toList();
            assertTrue(csv.get(0).startsWith("file,object,"), csv.get(0));
            assertTrue(csv.get(0).contains("area"), csv.get(0));
            assertEquals(objects + 1, csv.size(), "a header and one row per object");
            assertTrue(csv.get(1).startsWith("blobs.png,1,"), csv.get(1));
            assertTrue(csv.get(61).startsWith("blobs.png,61,"), csv.get(61));
            assertTrue(csv.get(62).startsWith("dotblot.png,1,"), csv.get(62));
            String header = new String(researcher.get("/api/v1/batches/" + batch.id() + "/results.csv").body(),
                    StandardCharsets.UTF_8);
            assertTrue(header.contains("\r\n"), "RFC 4180 line ends");

            // a merged output lost from the store (deleted outside the server): that file says so, the rest stands
            String lost = t.rows("SELECT output_sha256 FROM batch_files WHERE batch_id = ? AND name = 'dotblot.png'",
                    batch.id()).get(0).get(0);
            Files.delete(t.server.files().path(lost));
            JsonNode after = CanonicalJson.read(researcher.get("/api/v1/batches/" + batch.id() + "/results.json")
                    .body()).get("files");
            assertEquals(merged.get("files").get(0), after.get(0));
            assertEquals("dotblot.png", after.get(1).get("file").asText());
            assertEquals("merged output " + lost + " missing from the server's file store",
                    after.get(1).get("error").asText());
            assertEquals(merged.get("files").get(2), after.get(2));
            List<String> rows = researcher.get("/api/v1/batches/" + batch.id() + "/results.csv").text().lines().toList();
            assertEquals(csv.size() - merged.get("files").get(1).get("count").asInt(), rows.size());
            assertTrue(rows.stream().noneMatch(r -> r.startsWith("dotblot.png,")));
        }
    }
}

package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.AppRunner;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.CanonicalJson;
import org.sparecycles.workunits.protocol.ApiError;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.samples.SampleImages;

/**
 * The server's file store on a full disk: a 4 MiB tmpfs mounted on {@code <data dir>/files} (the database stays on
 * the normal disk, see docs/server.md). Needs root to mount; without it the test fails, saying so.
 */
class DiskFullTest {
    @TempDir
    Path tmp;

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            return "failed (" + String.join(" ", command) + "): " + out;
        }
        return null;
    }

    private static long tempFiles(Path store) throws IOException {
        try (Stream<Path> half = Files.list(store.resolve("tmp"))) {
            return half.count();
        }
    }

    /** Writes until the disk is full; returns the filler file. */
    private static Path fill(Path dir) throws IOException {
        Path filler = dir.resolve("filler.bin");
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1024; i++) {
                out.write(chunk);
                out.flush();
            }
            fail("a 4 MiB tmpfs took 64 MiB");
        } catch (IOException full) {
            assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"), full.toString());
        }
        return filler;
    }

    @Test
    void fullFileStoreAnswers507ChangesNothingAndRecoversWhenSpaceReturns() throws Exception {
        Path data = tmp.resolve("data");
        Path store = data.resolve("files");
        Files.createDirectories(store);
        String mounted = run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", store.toString());
        if (mounted != null) {
            fail("this test needs to mount a tmpfs (run it as root): " + mounted);
        }
        try (TestServer t = TestServer.start(data)) {
            Api researcher = t.researcher();
            long project = t.project(researcher);
            BatchStatus batch = t.submit(researcher, project, new RedundancyPolicy(1, 1, 3, 4, 3600), 1,
                    "blobs.png", "dotblot.png");
            Api v = t.volunteer();
            long host = t.host(v, 2.0);
            List<Assignment> work = t.fetch(v, host, 1e6);
            assertEquals(2, work.size());
            byte[] first = MergedResultsTest.compute(v, work.get(0));
            t.complete(v, host, work.get(0).resultId(), first, 10);

            Path filler = fill(store);

            byte[] second = MergedResultsTest.compute(v, work.get(1));
            Api.Response upload = v.put("/api/v1/results/" + work.get(1).resultId() + "/output", second,
                    Sha256.hex(second));
            assertEquals(507, upload.status(), upload::text);
            ApiError error = upload.error();
            assertEquals("insufficient_storage", error.error());
            assertTrue(error.detail().contains("disk is full") && error.detail().contains("No space left on device"),
                    error.detail());
            Api.Response submission = researcher.postMultipart("/api/v1/batches",
                    TestServer.batchForm(project, RedundancyPolicy.DEFAULT, 1, "coins.png"));
            assertEquals(507, submission.status(), submission::text);
            assertEquals("insufficient_storage", submission.error().error());
            assertEquals(1, t.count("SELECT COUNT(*) FROM batches"), "no half-made batch");
            assertEquals(1, t.count("SELECT COUNT(*) FROM results WHERE id = ? AND server_state = 'IN_PROGRESS'"
                    + " AND output_sha256 IS NULL", work.get(1).resultId()), "the result waits for its output");
            // the background pass the first report poked may be merging at this moment (its write fails too and
            // removes its temporary file): wait for that, not for a fixed time
            long leftBehind = tempFiles(store);
            for (long deadline = System.nanoTime() + 10_000_000_000L; leftBehind > 0 && System.nanoTime() < deadline; ) {
                Thread.sleep(50);
                leftBehind = tempFiles(store);
            }
            assertEquals(0, leftBehind, "no half-written file left behind");
            assertEquals(200, t.anonymous.get("/api/v1/health").status());
            t.server.runBackgroundPassNow(); // merging the first result cannot store its per-file entries now
            assertEquals(0, t.count("SELECT COUNT(*) FROM work_units WHERE state = 'FAILED'"),
                    "a full disk fails no work unit: merging waits for the next pass");

            Files.delete(filler); // space returns

            t.complete(v, host, work.get(1).resultId(), second, 10);
            researcher.postMultipart("/api/v1/batches", TestServer.batchForm(project, RedundancyPolicy.DEFAULT, 1,
                    "coins.png")).expect(201, BatchStatus.class);
            t.server.runBackgroundPassNow();
            BatchStatus done = t.status(researcher, batch.id());
            assertEquals("DONE", done.state(), done::toString);
            ScienceApp app = AppRegistry.builtIn().find("particle-count").orElseThrow();
            JsonNode merged = CanonicalJson.read(researcher.get("/api/v1/batches/" + batch.id() + "/results.json")
                    .body()).get("files");
            List<String> names = List.of("blobs.png", "dotblot.png");
            for (int i = 0; i < names.size(); i++) {
                JsonNode local = CanonicalJson.read(AppRunner.run(app, app.parseParameters(TestServer.PARAMETERS),
                        List.of(new InputFile(names.get(i), SampleImages.bytes(names.get(i)))))).get("files").get(0);
                assertEquals(local, merged.get(i), names.get(i));
            }
        } finally {
            String unmounted = run("umount", "-l", store.toString());
            if (unmounted != null) {
                fail(unmounted);
            }
        }
    }
}

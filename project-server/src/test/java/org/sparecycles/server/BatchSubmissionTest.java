package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparecycles.workunits.protocol.ApiError;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.BatchSubmission;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.samples.SampleImages;

class BatchSubmissionTest {
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

    @Test
    void batchIsCutIntoWorkUnitsWithTargetResultsEach() throws Exception {
        BatchStatus b = t.submit(researcher, project, new RedundancyPolicy(2, 3, 3, 6, 3600), 2,
                "blobs.png", "coins.png", "dotblot.png");
        assertEquals("IN_PROGRESS", b.state());
        assertEquals(3, b.files());
        assertEquals(2, b.workUnits(), "2 files per work unit: 2 + 1");
        assertEquals(2, b.workUnitsByState().get("UNSENT"));
        assertEquals(Map.of("UNSENT", 6), b.resultsByState(), "3 results per work unit");
        assertEquals(Map.of("sigma", "1", "polarity", "dark", "min_area", "10"), b.parameters());
        assertEquals(List.of(List.of("blobs.png", "0"), List.of("coins.png", "0"), List.of("dotblot.png", "1")),
                t.rows("SELECT f.name, DENSE_RANK() OVER (ORDER BY f.work_unit_id) - 1 FROM batch_files f"
                        + " WHERE f.batch_id = ? ORDER BY f.seq", b.id()));
        assertEquals(3, t.server.files().count(), "each input stored once under its hash");
        assertEquals(List.of(b), researcher.get("/api/v1/batches").asList(BatchStatus.class));
    }

    @Test
    void defaultsApplyWhenThePolicyIsLeftOut() {
        BatchStatus b = t.submit(researcher, project, null, 0, "blobs.png", "coins.png");
        assertEquals(2, b.workUnits());
        assertEquals(Map.of("UNSENT", 4), b.resultsByState());
        assertEquals(List.of(List.of("2", "2", "3", "6", "86400")), t.rows("SELECT min_quorum, target_results,"
                + " max_error_results, max_total_results, delay_bound_seconds FROM batches WHERE id = ?", b.id()));
    }

    @Test
    void batchJsonMayLeaveOutEverythingButProjectAndApp() {
        Multipart form = new Multipart().json("batch", "{\"projectId\": " + project + ", \"app\": \"particle-count\"}")
                .file("file", "blobs.png", SampleImages.bytes("blobs.png"));
        BatchStatus b = researcher.postMultipart("/api/v1/batches", form).expect(201, BatchStatus.class);
        assertEquals(Map.of("sigma", "1", "polarity", "dark", "min_area", "10"), b.parameters(), "the app's defaults");
        assertEquals(1, b.workUnits());
    }

    @Test
    void zipOfImagesBecomesItsEntriesWithFoldersFlattenedAndHiddenEntriesSkipped() throws Exception {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            for (String name : List.of("set/blobs.png", "set/deeper/coins.png", "set/.DS_Store", "__MACOSX/._x.png")) {
                out.putNextEntry(new ZipEntry(name));
                out.write(name.endsWith(".png") && !name.contains("MACOSX")
                        ? SampleImages.bytes(name.substring(name.lastIndexOf('/') + 1)) : new byte[] {1, 2, 3});
                out.closeEntry();
            }
        }
        Multipart form = new Multipart().json("batch", TestServer.json(new BatchSubmission(project, "zipped",
                "particle-count", TestServer.PARAMETERS, null, 1))).file("file", "images.zip", zip.toByteArray());
        BatchStatus b = researcher.postMultipart("/api/v1/batches", form).expect(201, BatchStatus.class);
        assertEquals(2, b.files());
        assertEquals(List.of(List.of("blobs.png"), List.of("coins.png")),
                t.rows("SELECT name FROM batch_files WHERE batch_id = ? ORDER BY seq", b.id()));
    }

    static Stream<Arguments> badBatches() {
        byte[] blobs = SampleImages.bytes("blobs.png");
        return Stream.of(
                Arguments.of("unknown app", (LongFunction<Multipart>) p -> form(p, "no-such-app", TestServer.PARAMETERS)
                        .file("file", "blobs.png", blobs), "app: unknown app 'no-such-app'"),
                Arguments.of("parameter out of range", (LongFunction<Multipart>) p -> form(p, "particle-count",
                        Map.of("sigma", "99")).file("file", "blobs.png", blobs), "parameter sigma: 99 is above the maximum"),
                Arguments.of("file that is no image", (LongFunction<Multipart>) p -> form(p, "particle-count",
                        TestServer.PARAMETERS).file("file", "blobs.png", blobs)
                        .file("file", "notes.txt", "just some text\n".getBytes()), "notes.txt: "),
                Arguments.of("truncated PNG", (LongFunction<Multipart>) p -> form(p, "particle-count",
                        TestServer.PARAMETERS).file("file", "cut.png", Arrays.copyOf(blobs, blobs.length / 2)), "cut.png: "),
                Arguments.of("empty batch", (LongFunction<Multipart>) p -> form(p, "particle-count",
                        TestServer.PARAMETERS), "files: the batch has no files"),
                Arguments.of("malformed JSON", (LongFunction<Multipart>) p -> new Multipart()
                        .json("batch", "{\"projectId\": " + p + ", \"app\": ").file("file", "blobs.png", blobs),
                        "batch: malformed JSON at line 1"),
                Arguments.of("inconsistent policy", (LongFunction<Multipart>) p -> new Multipart()
                        .json("batch", TestServer.json(new BatchSubmission(p, "b", "particle-count", TestServer.PARAMETERS,
                                new RedundancyPolicy(3, 2, 3, 6, 60), 1))).file("file", "blobs.png", blobs),
                        "policy.targetResults: 2 is below minQuorum 3"),
                Arguments.of("unknown project", (LongFunction<Multipart>) p -> new Multipart()
                        .json("batch", TestServer.json(new BatchSubmission(p + 100, "b", "particle-count",
                                TestServer.PARAMETERS, null, 1))).file("file", "blobs.png", blobs),
                        "projectId: no project"));
    }

    private static Multipart form(long project, String app, Map<String, String> parameters) {
        return new Multipart().json("batch", TestServer.json(new BatchSubmission(project, "bad", app, parameters, null, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBatches")
    void badBatchIsRefusedNamingTheProblemAndNothingIsStored(String what, LongFunction<Multipart> form, String problem)
            throws Exception {
        t.submit(researcher, project, null, 1, "dotblot.png");
        List<Long> before = t.footprint();
        ApiError e = researcher.postMultipart("/api/v1/batches", form.apply(project)).expect(400, ApiError.class);
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(problem)), () -> what + ": " + e);
        assertTrue(e.detail().contains(problem), e::toString);
        assertEquals(before, t.footprint(), "rows (batches, work units, files, results) and stored files");
    }

    @Test
    void everyProblemOfABatchIsReportedAtOnce() {
        Multipart form = form(project, "particle-count", Map.of("sigma", "-1", "colour", "red"))
                .file("file", "a.txt", "text".getBytes()).file("file", "b.txt", "more text".getBytes());
        ApiError e = researcher.postMultipart("/api/v1/batches", form).expect(400, ApiError.class);
        assertEquals(4, e.problems().size(), e::toString);
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("parameter sigma:")), e::toString);
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("parameter colour: unknown parameter")), e::toString);
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("a.txt:")), e::toString);
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("b.txt:")), e::toString);
    }

    @Test
    void plainJsonInsteadOfMultipartIsRefused() {
        ApiError e = researcher.post("/api/v1/batches", new BatchSubmission(project, "b", "particle-count", Map.of(),
                null, 1)).expect(400, ApiError.class);
        assertTrue(e.detail().contains("multipart/form-data"), e::toString);
    }
}

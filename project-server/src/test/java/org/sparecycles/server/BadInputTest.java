package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.CreateProjectRequest;
import org.sparecycles.workunits.protocol.ProjectInfo;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.samples.SampleImages;

/** Hostile input, one case each, as listed in docs/security.md; after each the server still answers. */
class BadInputTest {
    @TempDir
    Path tmp;
    private TestServer t;

    @AfterEach
    void stop() {
        if (t != null) {
            assertEquals(200, t.anonymous.get("/api/v1/health").status(), "the server survived");
            t.close();
        }
    }

    private TestServer server() {
        return t = TestServer.start(tmp.resolve("data"), b -> b.maxOutputBytes(2048).maxBatchBytes(4L << 20));
    }

    private Assignment oneAssignment(Api volunteer, long host) {
        Api researcher = t.researcher();
        t.submit(researcher, t.project(researcher), new RedundancyPolicy(1, 1, 3, 3, 3600), 1, "blobs.png");
        return t.fetch(volunteer, host, 1).get(0);
    }

    @Test
    void oversizedUploadIsRefusedWith413() {
        server();
        Api v = t.volunteer();
        long host = t.host(v, 1.0);
        Assignment a = oneAssignment(v, host);
        byte[] big = new byte[4096];
        Api.Response r = v.put("/api/v1/results/" + a.resultId() + "/output", big, Sha256.hex(big));
        assertEquals(413, r.status(), r::text);
        assertTrue(t.resultState(a.resultId()).startsWith("IN_PROGRESS"), t.resultState(a.resultId()));
    }

    @Test
    void anotherHostsResultIdIsRefused() {
        server();
        Api owner = t.volunteer();
        Assignment a = oneAssignment(owner, t.host(owner, 1.0));
        Api intruder = t.volunteer();
        long intruderHost = t.host(intruder, 1.0);
        byte[] output = ValidationTest.RIGHT;
        Api.Response upload = intruder.put("/api/v1/results/" + a.resultId() + "/output", output, Sha256.hex(output));
        assertTrue(upload.status() == 403 || upload.status() == 409, upload::text);
        Api.Response report = t.schedule(intruder, intruderHost, 0, TestServer.success(a.resultId(), output, 1));
        assertEquals(400, report.status(), report::text);
        assertTrue(report.text().contains("was not sent to host " + intruderHost), report::text);
        assertTrue(t.resultState(a.resultId()).startsWith("IN_PROGRESS"));
    }

    @Test
    void forgedTokenIsRefusedWith401() {
        server();
        Api forged = new Api(t.server.baseUri(), "f".repeat(64));
        assertEquals(401, forged.get("/api/v1/accounts/me").status());
        assertEquals(401, forged.post("/api/v1/hosts", "{}".getBytes(StandardCharsets.UTF_8)).status());
    }

    @Test
    void authenticatorUnusedForLongerThanTheIdleTimeIsRefusedWith401() {
        t = TestServer.start(tmp.resolve("data"), b -> b.authenticatorIdleDays(30));
        Api volunteer = t.volunteer();
        assertEquals(200, volunteer.get("/api/v1/accounts/me").status());
        t.clock.advance(java.time.Duration.ofDays(29));
        assertEquals(200, volunteer.get("/api/v1/accounts/me").status(), "used within 30 days");
        t.clock.advance(java.time.Duration.ofDays(29));
        assertEquals(200, volunteer.get("/api/v1/accounts/me").status(), "each use starts the 30 days again");

        t.clock.advance(java.time.Duration.ofDays(30).plusMinutes(1));

        Api.Response expired = volunteer.get("/api/v1/accounts/me");
        assertEquals(401, expired.status(), expired::text);
        assertEquals("authenticator_expired", expired.error().error());
        assertTrue(expired.error().detail().contains("not used for 30 days"), expired.error().detail());
        Api.Response again = volunteer.post("/api/v1/hosts", "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, again.status(), "an expired authenticator is deleted: " + again.text());
        assertEquals(0, t.count("SELECT COUNT(*) FROM authenticators WHERE last_used_at < created_at"));
    }

    @Test
    void sqlMetacharactersInTextFieldsAreStoredAsText() {
        server();
        String evil = "x'); DROP TABLE results; -- \" OR 1=1 --";
        Api researcher = t.researcher();
        ProjectInfo p = researcher.post("/api/v1/projects", new CreateProjectRequest(evil, evil))
                .expect(201, ProjectInfo.class);
        assertEquals(evil, p.name());
        assertEquals(evil, p.description());
        Api volunteer = t.account("o'brien+" + "\";--@example.org");
        assertEquals(201, volunteer.post("/api/v1/hosts", new org.sparecycles.workunits.protocol.HostRegistration(
                evil, evil, evil, evil, 1, 1, 1.0, evil)).status());
        assertEquals(0, t.count("SELECT COUNT(*) FROM results"), "the results table is still there");
        assertTrue(t.anonymous.get("/api/v1/projects").text().contains("DROP TABLE"));
    }

    @Test
    void deeplyNestedAndHugeJsonAreRefusedWithoutHarm() {
        server();
        Api v = t.volunteer();
        String deep = "[".repeat(200_000) + "]".repeat(200_000);
        Api.Response nested = v.post("/api/v1/scheduler", deep.getBytes(StandardCharsets.UTF_8));
        assertTrue(nested.status() == 400 || nested.status() == 413, nested::text);
        String huge = "{\"hostId\":1,\"pad\":\"" + "a".repeat(3 << 20) + "\"}";
        for (int i = 0; i < 10; i++) { // the answer has to arrive every time, not be overtaken by a reset
            Api.Response big = v.post("/api/v1/scheduler", huge.getBytes(StandardCharsets.UTF_8));
            assertEquals(413, big.status(), big::text);
            assertTrue(big.text().contains("too_large"), big::text);
        }
    }

    @Test
    void zipBombIsRefusedWith413() throws Exception {
        server();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("bomb.png"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                zip.write(zeros); // 64 MiB unpacked from well under 1 MiB packed
            }
            zip.closeEntry();
        }
        assertTrue(bytes.size() < 1 << 20);
        Api researcher = t.researcher();
        Api.Response r = researcher.postMultipart("/api/v1/batches", batchWithZip(t.project(researcher),
                "bomb.zip", bytes.toByteArray()));
        assertEquals(413, r.status(), r::text);
        assertEquals(0, t.count("SELECT COUNT(*) FROM batches"));
    }

    @Test
    void pathTraversalNamesInAZipStayInsideTheStore() throws Exception {
        server();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("../../../../escaped.png"));
            zip.write(SampleImages.bytes("blobs.png"));
            zip.closeEntry();
        }
        Api researcher = t.researcher();
        Api.Response r = researcher.postMultipart("/api/v1/batches", batchWithZip(t.project(researcher), "set.zip",
                bytes.toByteArray()));
        assertEquals(201, r.status(), r::text);
        BatchStatus batch = r.as(BatchStatus.class);
        assertEquals(List.of(List.of("escaped.png")), t.rows("SELECT name FROM batch_files WHERE batch_id = ?",
                batch.id()), "folders are flattened, so .. never reaches the file system");
        try (var walk = Files.walk(tmp)) {
            assertFalse(walk.anyMatch(p -> p.getFileName().toString().equals("escaped.png")));
        }
    }

    @Test
    void nonUtf8NamesInAZipAreRefusedNamingTheZip() throws Exception {
        server();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.ISO_8859_1)) {
            zip.putNextEntry(new ZipEntry("caf\u00e9-\u00ff.png"));
            zip.write(SampleImages.bytes("blobs.png"));
            zip.closeEntry();
        }
        byte[] raw = bytes.toByteArray();
        Api researcher = t.researcher();
        Api.Response r = researcher.postMultipart("/api/v1/batches", batchWithZip(t.project(researcher), "latin1.zip",
                raw));
        assertEquals(400, r.status(), r::text);
        assertTrue(r.text().contains("latin1.zip: not a readable zip (an entry name is not UTF-8"), r::text);
    }

    private static Multipart batchWithZip(long project, String name, byte[] zip) {
        Multipart form = new Multipart().json("batch", TestServer.json(new org.sparecycles.workunits.protocol
                .BatchSubmission(project, "hostile", "particle-count", TestServer.PARAMETERS, RedundancyPolicy.DEFAULT,
                1)));
        return form.file("file", name, zip);
    }
}

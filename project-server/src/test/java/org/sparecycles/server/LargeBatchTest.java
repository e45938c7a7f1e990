package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.cli.ServerMain;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.AccountSession;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.BatchSubmission;
import org.sparecycles.workunits.protocol.CreateProjectRequest;
import org.sparecycles.workunits.protocol.LoginRequest;
import org.sparecycles.workunits.protocol.ProjectInfo;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * Batches larger than the server's heap, on a server process limited to a 96 MB heap. Submitting: a batch of about
 * 200 MB (image parts and a zip of images) is checked and stored, and no staged copy is left behind (uploads are
 * staged on disk and read one file at a time). Merged results: 162 MB of JSON and 67 MB of CSV (1.2 million rows)
 * are downloaded whole (they are written as they are read, one file's output at a time). A server holding the
 * batch or the merged JSON in memory runs out of heap (both answered 500 before).
 */
class LargeBatchTest {
    private static final String HEAP = "-Xmx96m";
    private static final int SIDE = 1200; // grey noise: a PNG of about 1.4 MB that does not compress
    private static final int DISTINCT = 10;
    private static final int PARTS = 80;
    private static final int ZIPPED = 60;
    private static final int DOT_IMAGES = 60;
    /** No blur and no smallest area: every dot is an object. */
    private static final Map<String, String> DOT_PARAMETERS = Map.of("sigma", "0", "polarity", "dark", "min_area", "1");

    @TempDir
    Path tmp;

    private Process server;
    private Path data;
    private URI base;
    private Api researcher;
    private long project;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @BeforeEach
    void startServerWithASmallHeap() throws Exception {
        data = tmp.resolve("data");
        Process add = new ProcessBuilder(java(), HEAP, "-cp", System.getProperty("java.class.path"),
                ServerMain.class.getName(), "user", "add", "--email", "big@example.org", "--password",
                "researcher password", "--researcher", "--data-dir", data.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("user-add.log").toFile()).start();
        assertTrue(add.waitFor(60, TimeUnit.SECONDS) && add.exitValue() == 0, () -> read(tmp.resolve("user-add.log")));
        base = start(data);
        researcher = new Api(base, new Api(base, null).post("/api/v1/accounts/login",
                new LoginRequest("big@example.org", "researcher password")).expect(200, AccountSession.class)
                .authenticator());
        project = researcher.post("/api/v1/projects", new CreateProjectRequest("Big", "large batches"))
                .expect(201, ProjectInfo.class).id();
    }

    @Test
    void aBatchLargerThanTheHeapIsCheckedStoredAndItsStagedCopiesDeleted() throws Exception {
        List<byte[]> images = new ArrayList<>();
        Random random = new Random(42);
        for (int i = 0; i < DISTINCT; i++) {
            images.add(noisePng(random));
        }
        String boundary = "----sparecycles-" + UUID.randomUUID();
        Path body = tmp.resolve("batch.multipart");
        long bytes = writeBatch(body, boundary, project, images);
        assertTrue(bytes > 190_000_000L, "the batch is about twice the heap: " + bytes);

        Api.Response r = researcher.postFile("/api/v1/batches", "multipart/form-data; boundary=" + boundary, body,
                Duration.ofMinutes(5));
        assertTrue(server.isAlive(), () -> "the server died: " + read(tmp.resolve("server.log")));
        BatchStatus batch = r.expect(201, BatchStatus.class);
        assertEquals(PARTS + ZIPPED, batch.files());
        assertEquals(PARTS + ZIPPED, batch.workUnits());
        for (byte[] image : images) {
            String sha = Sha256.hex(image);
            Path stored = data.resolve("files").resolve(sha.substring(0, 2)).resolve(sha);
            assertTrue(Files.isRegularFile(stored) && Files.size(stored) == image.length, "stored: " + sha);
        }
        assertFalse(read(tmp.resolve("server.log")).contains("OutOfMemoryError"), () -> read(tmp.resolve("server.log")));
        // the staged files and Undertow's multipart files go once the request is done (Undertow deletes its own on
        // a worker thread, just after the response)
        Path uploadTemp = data.resolve("tmp");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<Path> left = List.of();
        while (System.nanoTime() < end) {
            try (Stream<Path> files = Files.list(uploadTemp)) {
                left = files.toList();
            }
            if (left.isEmpty()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertEquals(List.of(), left, "left in " + uploadTemp);
    }

    @Test
    void mergedResultsLargerThanTheHeapAreWrittenAsTheyAreRead() throws Exception {
        // grids of 3x3 dots: about 20,000 objects and 2.7 MB of output JSON per image, so the merged JSON of the batch
        // is about 1.7 times the heap
        Map<String, Integer> expected = new LinkedHashMap<>();
        Multipart form = new Multipart().json("batch", new String(Json.mapper().writeValueAsBytes(new BatchSubmission(
                project, "dots", "particle-count", DOT_PARAMETERS, new RedundancyPolicy(1, 1, 0, 0, 0), 1)),
                StandardCharsets.UTF_8));
        for (int i = 0; i < DOT_IMAGES; i++) {
            int step = 8 + i % 2;
            int offset = i % 3;
            int perSide = (SIDE - 5 - offset) / step + 1;
            expected.put("dots-" + i + ".png", perSide * perSide);
            form.file("file", "dots-" + i + ".png", dotsPng(step, offset));
        }
        BatchStatus batch = researcher.postMultipart("/api/v1/batches", form).expect(201, BatchStatus.class);
        RemoteVolunteer volunteer = RemoteVolunteer.join(base, "dots@example.org");
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        BatchStatus status = batch;
        while (!"DONE".equals(status.state())) {
            assertTrue(server.isAlive(), () -> "the server died: " + read(tmp.resolve("server.log")));
            assertTrue(System.nanoTime() < end, () -> "the batch is not done in 5 minutes: " + researcher
                    .get("/api/v1/batches/" + batch.id()).text());
            for (Assignment a : volunteer.fetch(1e6)) {
                volunteer.complete(a);
            }
            status = researcher.get("/api/v1/batches/" + batch.id()).expect(200, BatchStatus.class);
            TimeUnit.MILLISECONDS.sleep(100);
        }

        Path json = tmp.resolve("results.json");
        assertEquals(200, researcher.download("/api/v1/batches/" + batch.id() + "/results.json", json,
                Duration.ofMinutes(5)), () -> read(json));
        assertTrue(Files.size(json) > 150_000_000L, "larger than the heap: " + Files.size(json));
        Map<String, Integer> counted = new LinkedHashMap<>();
        try (JsonParser p = Json.mapper().createParser(json.toFile())) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (!field.equals("files")) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    JsonNode file = Json.mapper().readTree(p);
                    assertEquals(file.get("count").asInt(), file.get("objects").size(), file.get("file").asText());
                    counted.put(file.get("file").asText(), file.get("count").asInt());
                }
            }
        }
        assertEquals(expected, counted, "every file, in submission order, with all its objects");

        Path csv = tmp.resolve("results.csv");
        assertEquals(200, researcher.download("/api/v1/batches/" + batch.id() + "/results.csv", csv,
                Duration.ofMinutes(5)), () -> read(csv));
        long rows;
        String header;
        try (Stream<String> lines = Files.lines(csv)) {
            rows = lines.count() - 1;
        }
        try (java.io.BufferedReader r = Files.newBufferedReader(csv)) {
            header = r.readLine();
        }
        assertEquals(expected.values().stream().mapToLong(Integer::longValue).sum(), rows, "a row per object");
        assertTrue(header.startsWith("file,object,area,"), header);
        assertFalse(read(tmp.resolve("server.log")).contains("OutOfMemoryError"), () -> read(tmp.resolve("server.log")));
    }

    /** A grey PNG with a grid of 3x3 dark dots every {@code step} pixels, starting at {@code offset + 2}. */
    private static byte[] dotsPng(int step, int offset) throws IOException {
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = new byte[SIDE * SIDE];
        java.util.Arrays.fill(pixels, (byte) 220);
        for (int y = 2 + offset; y + 3 <= SIDE; y += step) {
            for (int x = 2 + offset; x + 3 <= SIDE; x += step) {
                for (int d = 0; d < 9; d++) {
                    pixels[(y + d / 3) * SIDE + x + d % 3] = 30;
                }
            }
        }
        image.getRaster().setDataElements(0, 0, SIDE, SIDE, pixels);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** A grey-noise PNG (noise does not compress, so the PNG is about as large as its pixels). */
    private static byte[] noisePng(Random random) throws IOException {
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = new byte[SIDE * SIDE];
        random.nextBytes(pixels);
        image.getRaster().setDataElements(0, 0, SIDE, SIDE, pixels);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** Writes the multipart body: the submission, {@link #PARTS} image parts and one zip; returns its size. */
    private static long writeBatch(Path body, String boundary, long project, List<byte[]> images) throws IOException {
        try (OutputStream out = Files.newOutputStream(body)) {
            part(out, boundary, "Content-Disposition: form-data; name=\"batch\"\r\nContent-Type: application/json");
            out.write(Json.mapper().writeValueAsBytes(new BatchSubmission(project, "noise", "particle-count",
                    TestServer.PARAMETERS, new RedundancyPolicy(2, 2, 0, 0, 0), 1)));
            for (int i = 0; i < PARTS; i++) {
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                part(out, boundary, fileHeaders("noise-" + i + ".png"));
                out.write(images.get(i % images.size()));
            }
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            part(out, boundary, fileHeaders("more.zip"));
            ZipOutputStream zip = new ZipOutputStream(out);
            for (int i = 0; i < ZIPPED; i++) {
                byte[] image = images.get(i % images.size());
                ZipEntry entry = new ZipEntry("more/zipped-" + i + ".png");
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(image.length);
                CRC32 crc = new CRC32();
                crc.update(image);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(image);
                zip.closeEntry();
            }
            zip.finish();
            out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        return Files.size(body);
    }

    private static String fileHeaders(String fileName) {
        return "Content-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream";
    }

    private static void part(OutputStream out, String boundary, String headers) throws IOException {
        out.write(("--" + boundary + "\r\n" + headers + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private URI start(Path data) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        server = new ProcessBuilder(java(), HEAP, "-cp", System.getProperty("java.class.path"),
                ServerMain.class.getName(), "serve", "--port", Integer.toString(port), "--data-dir", data.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("server.log").toFile()).start();
        URI base = URI.create("http://127.0.0.1:" + port + "/");
        Api anonymous = new Api(base, null);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            assertTrue(server.isAlive(), () -> "the server exited: " + read(tmp.resolve("server.log")));
            try {
                if (anonymous.get("/api/v1/health").status() == 200) {
                    return base;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            assertTrue(System.nanoTime() < end, () -> "the server is not up within 60 s: "
                    + read(tmp.resolve("server.log")));
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}

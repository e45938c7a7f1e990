package org.sparecycles.client.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.protocol.AccountSession;
import org.sparecycles.workunits.protocol.CreateAccountRequest;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;
import org.sparecycles.workunits.protocol.UploadReceipt;

/** The client's API calls against a small hand-written HTTP server on port 0. */
class ServerApiTest {
    @TempDir
    Path tmp;
    private HttpServer server;
    private ServerApi api;
    private final Map<String, String> seen = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/accounts", ex -> {
            seen.put("content-type", ex.getRequestHeaders().getFirst("Content-Type"));
            seen.put("body", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            respond(ex, 409, "{\"error\":\"email_taken\",\"detail\":\"an account with this e-mail exists\"}");
        });
        server.createContext("/api/v1/accounts/login", ex -> respond(ex, 200,
                "{\"accountId\":7,\"email\":\"v@example.org\",\"name\":\"V\",\"roles\":[\"volunteer\"],"
                        + "\"authenticator\":\"tok\",\"newField\":true}"));
        server.createContext("/api/v1/scheduler", ex -> {
            seen.put("authorization", String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            seen.merge("scheduler-ports", " " + ex.getRemoteAddress().getPort(), String::concat);
            ex.getRequestBody().readAllBytes();
            respond(ex, 200, "{\"assignments\":[],\"acknowledged\":[4],\"requestDelaySeconds\":30}");
        });
        server.createContext("/api/v1/files/big", ex -> {
            ex.sendResponseHeaders(200, 1 << 20);
            try (var out = ex.getResponseBody()) {
                out.write(new byte[1 << 20]);
            } catch (IOException e) {
                // the client stopped reading
            }
        });
        server.createContext("/api/v1/files/", ex -> {
            seen.put("download-authorization", String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            seen.merge("download-ports", " " + ex.getRemoteAddress().getPort(), String::concat);
            byte[] body = "file-bytes".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/api/v1/results/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            seen.put("upload-method", ex.getRequestMethod());
            seen.put("upload-length", String.valueOf(ex.getRequestHeaders().getFirst("Content-Length")));
            seen.put("upload-sha", ex.getRequestHeaders().getFirst("X-Content-SHA256"));
            seen.put("upload-body", new String(body, StandardCharsets.UTF_8));
            respond(ex, 200, "{\"resultId\":4,\"sha256\":\"" + Sha256.hex(body) + "\",\"size\":" + body.length + "}");
        });
        server.createContext("/api/v1/hosts", ex -> respond(ex, 500, "<html>oops</html>"));
        server.createContext("/api/v1/busy", ex -> {
            ex.getResponseHeaders().add("Retry-After", "30");
            respond(ex, 503, "{\"error\":\"overloaded\",\"detail\":\"the server is busy\"}");
        });
        server.start();
        api = new ServerApi(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void respond(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    @Test
    void takenEmailComesBackAsApiExceptionWithTheServersWords() {
        ApiException e = assertThrows(ApiException.class,
                () -> api.createAccount(new CreateAccountRequest("v@example.org", "pw", "V")));

        assertEquals(409, e.status());
        assertEquals("email_taken", e.error().error());
        assertEquals("an account with this e-mail exists", e.error().detail());
        assertEquals("application/json", seen.get("content-type"));
        assertTrue(seen.get("body").contains("\"email\":\"v@example.org\""), seen.get("body"));
    }

    @Test
    void loginReadsTheSessionIgnoringUnknownFields() throws Exception {
        AccountSession s = api.login(new org.sparecycles.workunits.protocol.LoginRequest("v@example.org", "pw"));

        assertEquals(7, s.accountId());
        assertEquals("tok", s.authenticator());
        assertEquals(List.of("volunteer"), s.roles());
    }

    @Test
    void schedulerRequestCarriesTheBearerToken() throws Exception {
        api.authenticate("tok");

        SchedulerReply reply = api.schedulerRequest(new SchedulerRequest(3, List.of(), 60, List.of()));

        assertEquals("Bearer tok", seen.get("authorization"));
        assertEquals(List.of(4L), reply.acknowledged());
        assertEquals(30, reply.requestDelaySeconds());
    }

    @Test
    void callsAndErrorsKeepOneConnection() throws Exception {
        for (int i = 0; i < 3; i++) {
            api.schedulerRequest(new SchedulerRequest(3, List.of(), 60, List.of()));
            assertThrows(ApiException.class, () -> api.createAccount(new CreateAccountRequest("v@example.org", "pw",
                    "V"))); // a 409 read to its end leaves the connection usable
        }

        assertEquals(1, java.util.Arrays.stream(seen.get("scheduler-ports").trim().split(" ")).distinct().count(),
                "client ports of the three scheduler requests:" + seen.get("scheduler-ports"));
    }

    @Test
    void serverErrorWithoutJsonIsRetryable() {
        ApiException e = assertThrows(ApiException.class, () -> api.registerHost(null));

        assertEquals(500, e.status());
        assertTrue(e.isRetryable());
        assertTrue(Failures.isRetryable(e));
    }

    @Test
    void downloadsIntoTheTargetFileHashingOnTheWay() throws Exception {
        Path target = tmp.resolve("f");

        ServerApi.Download got = api.download("/api/v1/files/" + "c".repeat(64), target, 100);

        assertEquals(10, got.size());
        assertArrayEquals("file-bytes".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(target));
        assertEquals(org.sparecycles.workunits.hash.Sha256.hex(target), got.sha256());
    }

    @Test
    void downloadsCarryTheBearerTokenOverOneKeptConnection() throws Exception {
        api.authenticate("tok-7");
        for (int i = 0; i < 3; i++) {
            assertEquals(10, api.download("/api/v1/files/" + "d".repeat(64), tmp.resolve("f" + i), 100).size());
        }

        assertEquals("Bearer tok-7", seen.get("download-authorization"));
        assertEquals(1, java.util.Arrays.stream(seen.get("download-ports").trim().split(" ")).distinct().count(),
                "client ports of the three downloads:" + seen.get("download-ports"));
    }

    @Test
    void anOversizedDownloadStopsSoonAfterTheLimit() throws Exception {
        ServerApi.Download got = api.download("/api/v1/files/big", tmp.resolve("big"), 1000);

        assertTrue(got.size() > 1000 && got.size() <= 1000 + 64 * 1024, "read " + got.size() + " bytes");
        assertEquals(got.size(), Files.size(tmp.resolve("big")));
    }

    @Test
    void socketTimeoutsAreNamedAsTheOtherTimeouts() {
        assertEquals("connection timed out", Failures.describe(new java.net.SocketTimeoutException("Connect timed out")));
        assertEquals("request timed out", Failures.describe(new java.io.IOException("download failed",
                new java.net.SocketTimeoutException("Read timed out"))));
    }

    @Test
    void uploadSendsTheBytesAndTheirHash() throws Exception {
        Path out = Files.writeString(tmp.resolve("out.json"), "{\"files\":[]}");
        String sha = Sha256.hex(out);

        UploadReceipt receipt = api.uploadOutput("/api/v1/results/4/output", out, sha);

        assertEquals(sha, seen.get("upload-sha"));
        assertEquals("{\"files\":[]}", seen.get("upload-body"));
        assertEquals(new UploadReceipt(4, sha, 12), receipt);
        assertEquals("PUT", seen.get("upload-method"));
    }

    @Test
    void aLargeUploadIsStreamedWithItsLengthGivenUpFront() throws Exception {
        byte[] bytes = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(5).nextBytes(bytes);
        Path out = Files.write(tmp.resolve("big-out.json"), bytes);

        UploadReceipt receipt = api.uploadOutput("/api/v1/results/4/output", out, Sha256.hex(out));

        assertEquals(String.valueOf(bytes.length), seen.get("upload-length")); // not chunked
        assertEquals(Sha256.hex(bytes), receipt.sha256());
        assertEquals(bytes.length, receipt.size());
    }

    @Test
    void refusedConnectionIsDescribedPlainlyAndRetryableForCallsAndDownloads() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ServerApi nowhere = new ServerApi(URI.create("http://127.0.0.1:" + port));

        IOException call = assertThrows(IOException.class,
                () -> nowhere.schedulerRequest(new SchedulerRequest(1, List.of(), 0, List.of())));
        IOException download = assertThrows(IOException.class,
                () -> nowhere.download("/api/v1/files/" + "e".repeat(64), tmp.resolve("x"), 100));

        for (IOException e : List.of(call, download)) {
            assertEquals("connection refused", Failures.describe(e));
            assertTrue(Failures.isRetryable(e));
        }
    }

    @Test
    void a503WithRetryAfterMakesTheBackoffWaitAtLeastThatLong() {
        ApiException e = assertThrows(ApiException.class,
                () -> api.download("/api/v1/busy", tmp.resolve("busy"), 100));

        assertEquals(503, e.status());
        assertTrue(e.isRetryable());
        assertEquals(java.time.Duration.ofSeconds(30), e.retryAfter().orElseThrow());
        assertEquals(java.time.Duration.ofSeconds(30), Failures.retryAfter(new java.io.IOException("wrapped", e))
                .orElseThrow());
        Backoff backoff = new Backoff(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5));
        for (double random : new double[] {0, 0.5, 0.999}) {
            java.time.Duration d = backoff.delay(1, random, Failures.retryAfter(e).orElse(null));
            assertTrue(d.compareTo(java.time.Duration.ofSeconds(30)) >= 0
                    && d.compareTo(java.time.Duration.ofMillis(37_500)) <= 0, d.toString());
        }
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        java.time.Instant now = java.time.Instant.parse("2026-03-01T12:00:00Z");
        assertEquals(java.time.Duration.ofSeconds(120), ApiException.retryAfter("120", now).orElseThrow());
        assertEquals(java.time.Duration.ofSeconds(90),
                ApiException.retryAfter("Sun, 01 Mar 2026 12:01:30 GMT", now).orElseThrow());
        assertEquals(java.time.Duration.ZERO, ApiException.retryAfter("Sun, 01 Mar 2026 11:00:00 GMT", now)
                .orElseThrow());
        assertTrue(ApiException.retryAfter("soon", now).isEmpty());
    }
}

package org.sparecycles.client.net;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.AccountCredit;
import org.sparecycles.workunits.protocol.AccountSession;
import org.sparecycles.workunits.protocol.CreateAccountRequest;
import org.sparecycles.workunits.protocol.HostRegistered;
import org.sparecycles.workunits.protocol.HostRegistration;
import org.sparecycles.workunits.protocol.LoginRequest;
import org.sparecycles.workunits.protocol.ProjectInfo;
import org.sparecycles.workunits.protocol.ProjectKeyInfo;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;
import org.sparecycles.workunits.protocol.UploadReceipt;

/**
 * Typed calls to one project server's API v1 (see {@code docs/protocol.md}). Each method blocks; call it off the
 * engine thread. Error statuses throw {@link ApiException} with the server's {@code ApiError}; transport failures
 * throw {@link IOException}. Thread-safe.
 *
 * <p>Every call goes through the JDK's {@link HttpURLConnection}, which reads and writes on the calling thread and
 * keeps connections alive between calls when a body is read to its end. The JDK's {@code HttpClient} hands every
 * piece of a body through its selector thread and a queue: about three times the CPU per byte for the sample
 * workload's inputs and outputs, which are most of the bytes a volunteer moves (docs/benchmarks.md, "Whole-system
 * efficiency"). It also loads about 450 classes of its own and of TLS even for {@code http://} servers and keeps
 * three threads, a sixth of an idle headless client's memory ("Desktop client footprint").
 */
public final class ServerApi {
    private static final int CONNECT_TIMEOUT_MS = (int) Duration.ofSeconds(10).toMillis();
    /** A call fails when the server sends nothing for this long: before its answer, or between two reads. */
    private static final int READ_TIMEOUT_MS = (int) Duration.ofSeconds(60).toMillis();
    private static final int MAX_ERROR_BODY = 16 * 1024;
    private static final int BUFFER = 64 * 1024;

    private final URI server;
    private final ObjectMapper mapper = Json.mapper();
    private volatile String authenticator;

    /**
     * @param server base URL without {@code /api/v1} and without a trailing slash
     */
    public ServerApi(URI server) {
        this.server = Objects.requireNonNull(server, "server");
    }

    /** Sets the bearer token sent with every later request. */
    public void authenticate(String token) {
        this.authenticator = token;
    }

    public URI server() {
        return server;
    }

    /** {@code POST /accounts}; 4xx when the e-mail is taken. */
    public AccountSession createAccount(CreateAccountRequest request) throws IOException, ApiException {
        return post("/api/v1/accounts", request, AccountSession.class);
    }

    /** {@code POST /accounts/login}; 401 on a wrong e-mail or password. */
    public AccountSession login(LoginRequest request) throws IOException, ApiException {
        return post("/api/v1/accounts/login", request, AccountSession.class);
    }

    /** {@code GET /projects}: what a volunteer chooses from. */
    public List<ProjectInfo> projects() throws IOException, ApiException {
        return get("/api/v1/projects", mapper.getTypeFactory().constructCollectionType(List.class,
                ProjectInfo.class));
    }

    /** {@code GET /project-key}: the project's public key, to pin when attaching. */
    public ProjectKeyInfo projectKey() throws IOException, ApiException {
        return get("/api/v1/project-key", mapper.constructType(ProjectKeyInfo.class));
    }

    /** {@code GET /accounts/me}: the account's and its hosts' credit. */
    public AccountCredit accountCredit() throws IOException, ApiException {
        return get("/api/v1/accounts/me", mapper.constructType(AccountCredit.class));
    }

    /** {@code POST /hosts}. */
    public HostRegistered registerHost(HostRegistration registration) throws IOException, ApiException {
        return post("/api/v1/hosts", registration, HostRegistered.class);
    }

    /** {@code POST /scheduler}: reports and asks for work in one request. */
    public SchedulerReply schedulerRequest(SchedulerRequest request) throws IOException, ApiException {
        return post("/api/v1/scheduler", request, SchedulerReply.class);
    }

    /** What a download wrote: its size in bytes and its SHA-256 (hex), computed while writing. */
    public record Download(long size, String sha256) {
    }

    /**
     * Downloads {@code GET {server}{url}} into {@code target}, reading at most about {@code maxBytes} bytes (a buffer
     * more) so an oversized answer is noticed without filling the disk. The SHA-256 is computed on the way, so the
     * caller checks the file without reading it again.
     */
    public Download download(String url, Path target, long maxBytes) throws IOException, ApiException {
        HttpURLConnection connection = open(url, "GET");
        checkStatus(connection);
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = connection.getInputStream(); OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[BUFFER];
            long total = 0;
            for (int n; total <= maxBytes && (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                total += n;
            }
            return new Download(total, HexFormat.of().formatHex(digest.digest()));
        }
    }

    /**
     * {@code PUT {server}{uploadUrl}} with the file's bytes and {@code X-Content-SHA256}. The body is streamed
     * with its length given up front, so the file is never held in memory.
     */
    public UploadReceipt uploadOutput(String uploadUrl, Path file, String sha256) throws IOException, ApiException {
        HttpURLConnection connection = open(uploadUrl, "PUT");
        connection.setRequestProperty("Content-Type", "application/octet-stream");
        connection.setRequestProperty("X-Content-SHA256", sha256);
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(Files.size(file));
        try (InputStream in = Files.newInputStream(file); OutputStream out = connection.getOutputStream()) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
        }
        return read(connection, mapper.constructType(UploadReceipt.class));
    }

    private <T> T get(String path, JavaType type) throws IOException, ApiException {
        return read(open(path, "GET"), type);
    }

    private <T> T post(String path, Object body, Class<T> type) throws IOException, ApiException {
        byte[] json = mapper.writeValueAsBytes(body);
        HttpURLConnection connection = open(path, "POST");
        connection.setRequestProperty("Content-Type", "application/json");
        connection.setDoOutput(true); // buffered, not streamed: a request on a connection the server has closed
        try (OutputStream out = connection.getOutputStream()) { // meanwhile is then sent again on a new one
            out.write(json);
        }
        return read(connection, mapper.constructType(type));
    }

    private HttpURLConnection open(String path, String method) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) resolve(path).toURL().openConnection();
        connection.setRequestMethod(method);
        connection.setConnectTimeout(CONNECT_TIMEOUT_MS);
        connection.setReadTimeout(READ_TIMEOUT_MS);
        connection.setUseCaches(false);
        connection.setRequestProperty("Accept", "application/json"); // the server's errors are JSON too
        String token = authenticator;
        if (token != null) {
            connection.setRequestProperty("Authorization", "Bearer " + token);
        }
        return connection;
    }

    /** The server URL joined with a path the server gave (relative, starting with a slash) or an absolute URL. */
    URI resolve(String path) {
        if (path.startsWith("http://") || path.startsWith("https://")) {
            return URI.create(path);
        }
        return URI.create(server + (path.startsWith("/") ? path : "/" + path));
    }

    /** The body of a 2xx answer as {@code type}; the body is read to its end so the connection can be kept. */
    private <T> T read(HttpURLConnection connection, JavaType type) throws IOException, ApiException {
        checkStatus(connection);
        byte[] body;
        try (InputStream in = connection.getInputStream()) {
            body = in.readAllBytes();
        }
        return mapper.readValue(body, type);
    }

    /** Throws the server's error for a status outside 2xx, having read (the start of) its body. */
    private static void checkStatus(HttpURLConnection connection) throws IOException, ApiException {
        int status = connection.getResponseCode();
        if (status >= 200 && status < 300) {
            return;
        }
        if (status < 0) {
            throw new IOException("not an HTTP answer from " + connection.getURL());
        }
        byte[] body;
        try (InputStream error = connection.getErrorStream()) {
            body = error == null ? new byte[0] : error.readNBytes(MAX_ERROR_BODY);
        }
        throw ApiException.fromResponse(status, body, Optional.ofNullable(connection.getHeaderField("Retry-After")),
                Instant.now());
    }
}

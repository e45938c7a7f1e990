package org.sparecycles.client.net;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
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
 * Typed calls to one project server's API v1 (see {@code docs/protocol.md}), over {@link HttpClient}; downloads over
 * {@link HttpURLConnection} (see {@link #download}). Each method blocks; call it off the engine thread. Error
 * statuses throw {@link ApiException} with the server's {@code ApiError}; transport failures throw
 * {@link IOException}. Thread-safe.
 */
public final class ServerApi {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RPC_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(10);
    /** A download fails when the server sends nothing for this long (between two reads, not for the whole file). */
    private static final Duration DOWNLOAD_READ_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_ERROR_BODY = 16 * 1024;

    private final URI server;
    private final HttpClient http;
    private final ObjectMapper mapper = Json.mapper();
    private volatile String authenticator;

    /**
     * @param server base URL without {@code /api/v1} and without a trailing slash
     */
    public ServerApi(URI server) {
        this(server, client(server));
    }

    /**
     * An {@code http://} server gets a TLS context that trusts nobody: the JDK's default one parses the whole CA
     * store (about 3 MB of an idle client's memory) for connections that never use TLS. Such a server can therefore
     * not redirect to {@code https://}; attach by the {@code https://} URL instead.
     */
    private static HttpClient client(URI server) {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL);
        if ("http".equalsIgnoreCase(server.getScheme())) {
            try {
                SSLContext none = SSLContext.getInstance("TLS");
                none.init(new KeyManager[0], new TrustManager[0], null);
                builder.sslContext(none);
            } catch (GeneralSecurityException e) {
                // keep the default context
            }
        }
        return builder.build();
    }

    ServerApi(URI server, HttpClient http) {
        this.server = Objects.requireNonNull(server, "server");
        this.http = Objects.requireNonNull(http, "http");
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
        HttpRequest request = request("/api/v1/projects", RPC_TIMEOUT).GET().build();
        HttpResponse<byte[]> response = send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw ApiException.fromResponse(response.statusCode(), response.body(),
                    response.headers().firstValue("Retry-After"), java.time.Instant.now());
        }
        return mapper.readValue(response.body(), mapper.getTypeFactory().constructCollectionType(List.class,
                ProjectInfo.class));
    }

    /** {@code GET /project-key}: the project's public key, to pin when attaching. */
    public ProjectKeyInfo projectKey() throws IOException, ApiException {
        HttpRequest request = request("/api/v1/project-key", RPC_TIMEOUT).GET().build();
        return read(send(request, HttpResponse.BodyHandlers.ofByteArray()), ProjectKeyInfo.class);
    }

    /** {@code GET /accounts/me}: the account's and its hosts' credit. */
    public AccountCredit accountCredit() throws IOException, ApiException {
        HttpRequest request = request("/api/v1/accounts/me", RPC_TIMEOUT).GET().build();
        return read(send(request, HttpResponse.BodyHandlers.ofByteArray()), AccountCredit.class);
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
     *
     * <p>Unlike the other calls this one goes through the JDK's {@link HttpURLConnection}: its blocking reads land in
     * this method's buffer directly, where the {@link HttpClient} hands each piece of a body from its selector
     * thread through a queue. For the sample workload's inputs (600 KB each) that took about three times the CPU
     * per byte, and downloads are most of the bytes a volunteer moves (docs/benchmarks.md, "Whole-system
     * efficiency"). The connection is kept alive for the next download when the body is read to its end.
     */
    public Download download(String url, Path target, long maxBytes) throws IOException, ApiException {
        HttpURLConnection connection = (HttpURLConnection) resolve(url).toURL().openConnection();
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setReadTimeout((int) DOWNLOAD_READ_TIMEOUT.toMillis());
        connection.setRequestProperty("Accept", "application/json"); // the server's errors are JSON
        String token = authenticator;
        if (token != null) {
            connection.setRequestProperty("Authorization", "Bearer " + token);
        }
        int status = connection.getResponseCode();
        if (status != 200) {
            byte[] body;
            try (InputStream error = connection.getErrorStream()) {
                body = error == null ? new byte[0] : error.readNBytes(MAX_ERROR_BODY);
            }
            throw ApiException.fromResponse(status, body,
                    java.util.Optional.ofNullable(connection.getHeaderField("Retry-After")), java.time.Instant.now());
        }
        java.security.MessageDigest digest = org.sparecycles.workunits.hash.Sha256.newDigest();
        try (InputStream in = connection.getInputStream(); OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; total <= maxBytes && (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                total += n;
            }
            return new Download(total, java.util.HexFormat.of().formatHex(digest.digest()));
        }
    }

    /** {@code PUT {server}{uploadUrl}} with the file's bytes and {@code X-Content-SHA256}. */
    public UploadReceipt uploadOutput(String uploadUrl, Path file, String sha256) throws IOException, ApiException {
        HttpRequest request = request(uploadUrl, TRANSFER_TIMEOUT)
                .header("Content-Type", "application/octet-stream")
                .header("X-Content-SHA256", sha256)
                .PUT(HttpRequest.BodyPublishers.ofFile(file)).build();
        return read(send(request, HttpResponse.BodyHandlers.ofByteArray()), UploadReceipt.class);
    }

    private <T> T post(String path, Object body, Class<T> type) throws IOException, ApiException {
        HttpRequest request = request(path, RPC_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body))).build();
        return read(send(request, HttpResponse.BodyHandlers.ofByteArray()), type);
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(path)).timeout(timeout)
                .header("Accept", "application/json");
        String token = authenticator;
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** The server URL joined with a path the server gave (relative, starting with a slash) or an absolute URL. */
    URI resolve(String path) {
        if (path.startsWith("http://") || path.startsWith("https://")) {
            return URI.create(path);
        }
        return URI.create(server + (path.startsWith("/") ? path : "/" + path));
    }

    private <T> T read(HttpResponse<byte[]> response, Class<T> type) throws IOException, ApiException {
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            throw ApiException.fromResponse(status, response.body(), response.headers().firstValue("Retry-After"),
                    java.time.Instant.now());
        }
        return mapper.readValue(response.body(), type);
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted: " + request.uri());
        }
    }
}

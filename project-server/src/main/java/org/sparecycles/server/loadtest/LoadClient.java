package org.sparecycles.server.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.HostRegistered;
import org.sparecycles.workunits.protocol.HostRegistration;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;

/** The calls a simulated host makes, over real HTTP with the JDK's client (keep-alive connections). */
final class LoadClient {
    /** Seconds the JDK's client keeps an idle connection, below the server's 60 s (Undertow's NO_REQUEST_TIMEOUT). */
    static final String KEEP_ALIVE_SECONDS = "30";

    static {
        // the JDK's default is 1,200 s, so a connection left idle in the client's pool was closed by the server after
        // 60 s, and now and then the client sent a request on it just as it closed: the request failed with "header
        // parser received no bytes" (1 in about 87,000 requests on 2026-12-06). Read once, when the JDK's client
        // starts its connection pool, so set before the first client is built; a value given on the command line wins
        if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
            System.setProperty("jdk.httpclient.keepalive.timeout", KEEP_ALIVE_SECONDS);
        }
    }

    private final HttpClient http;
    private final URI base;
    private final ObjectMapper json = Json.mapper();

    LoadClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Thrown for an answer other than the expected 2xx; the load test counts these as errors. */
    static final class CallFailed extends IOException {
        CallFailed(String message) {
            super(message);
        }
    }

    long register(String authenticator, String name) throws IOException, InterruptedException {
        HostRegistration registration = new HostRegistration(name, "Linux", "load-test", "simulated CPU", 2,
                4L << 30, 5.0, "loadtest");
        return post("api/v1/hosts", authenticator, registration, HostRegistered.class).hostId();
    }

    SchedulerReply schedule(String authenticator, SchedulerRequest request) throws IOException, InterruptedException {
        return post("api/v1/scheduler", authenticator, request, SchedulerReply.class);
    }

    void upload(String authenticator, String uploadUrl, byte[] output) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(uploadUrl.startsWith("/") ? uploadUrl.substring(1)
                        : uploadUrl))
                .header("Authorization", "Bearer " + authenticator)
                .header("X-Content-SHA256", Sha256.hex(output))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(output)).build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        check(response, "PUT " + uploadUrl);
    }

    /** A GET whose body is thrown away: the trivial-endpoint baseline. */
    void get(URI uri) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        check(response, "GET " + uri);
    }

    private <T> T post(String path, String authenticator, Object body, Class<T> type)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + authenticator)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        check(response, "POST " + path);
        return json.readValue(response.body(), type);
    }

    private static void check(HttpResponse<byte[]> response, String what) throws CallFailed {
        if (response.statusCode() / 100 != 2) {
            String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
            throw new CallFailed(what + " answered " + response.statusCode() + ": "
                    + (body.length() > 300 ? body.substring(0, 300) : body));
        }
    }
}

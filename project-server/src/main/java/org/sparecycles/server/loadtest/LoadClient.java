package org.sparecycles.server.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.HostRegistered;
import org.sparecycles.workunits.protocol.HostRegistration;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;

/**
 * The calls a simulated host makes, over real HTTP with the JDK's {@link HttpURLConnection}: blocking calls on the
 * load thread's own keep-alive connection, as the desktop client makes them. The JDK's {@code java.net.http} client,
 * used before, hands every call between its selector thread, its worker threads and the caller; at 1,000 scheduler
 * requests a second that took about a quarter of the two cores the server shares with the load generator
 * (docs/benchmarks.md, "The load generator's own CPU").
 */
final class LoadClient {
    /** Idle connections the JDK keeps per server: one per load thread, so that none has to connect again. */
    static final String MAX_IDLE_CONNECTIONS = "1000";
    /** A call that has not connected within this many ms fails. */
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /**
     * A call without a byte of answer for this many ms fails; far above any wait the server can make a request do
     * (its lock timeout is 10 s, and a request retries at most three times).
     */
    static final int READ_TIMEOUT_MILLIS = 120_000;

    static {
        // read once, when the JDK's keep-alive cache starts, so set before the first connection; a value given on
        // the command line wins. The JDK's default of 5 idle connections per server would make all but 5 of the load
        // threads connect again for every call. The JDK closes idle connections after 5 s, well before the server
        // does (60 s, Undertow's NO_REQUEST_TIMEOUT), so a call never goes out on a connection the server is closing
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", MAX_IDLE_CONNECTIONS);
        }
    }

    private final URI base;
    private final ObjectMapper json = Json.mapper();

    LoadClient(URI base) {
        this.base = base;
    }

    /** Thrown for an answer other than the expected 2xx; the load test counts these as errors. */
    static final class CallFailed extends IOException {
        CallFailed(String message) {
            super(message);
        }
    }

    long register(String authenticator, String name) throws IOException {
        HostRegistration registration = new HostRegistration(name, "Linux", "load-test", "simulated CPU", 2,
                4L << 30, 5.0, "loadtest");
        return post("api/v1/hosts", authenticator, registration, HostRegistered.class).hostId();
    }

    SchedulerReply schedule(String authenticator, SchedulerRequest request) throws IOException {
        return post("api/v1/scheduler", authenticator, request, SchedulerReply.class);
    }

    void upload(String authenticator, String uploadUrl, byte[] output) throws IOException {
        String path = uploadUrl.startsWith("/") ? uploadUrl.substring(1) : uploadUrl;
        call("PUT", base.resolve(path), authenticator, Map.of("X-Content-SHA256", Sha256.hex(output)), output,
                "PUT " + uploadUrl);
    }

    /** A GET whose body is thrown away: the trivial-endpoint baseline. */
    void get(URI uri) throws IOException {
        call("GET", uri, null, Map.of(), null, "GET " + uri);
    }

    private <T> T post(String path, String authenticator, Object body, Class<T> type) throws IOException {
        byte[] answer = call("POST", base.resolve(path), authenticator, Map.of("Content-Type", "application/json"),
                json.writeValueAsBytes(body), "POST " + path);
        return json.readValue(answer, type);
    }

    /**
     * One call; the answer's body is read to its end (also for an error), so that the connection goes back to the
     * keep-alive cache for the thread's next call.
     *
     * @throws CallFailed for an answer other than 2xx
     */
    private static byte[] call(String method, URI uri, String authenticator, Map<String, String> headers, byte[] body,
                               String what) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        c.setReadTimeout(READ_TIMEOUT_MILLIS);
        if (authenticator != null) {
            c.setRequestProperty("Authorization", "Bearer " + authenticator);
        }
        headers.forEach(c::setRequestProperty);
        if (body != null) {
            c.setDoOutput(true);
            // streamed with its length: the JDK then never sends a POST or PUT a second time on its own
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
        }
        int status = c.getResponseCode();
        byte[] answer;
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            answer = in == null ? new byte[0] : in.readAllBytes();
        }
        if (status / 100 != 2) {
            String text = new String(answer, StandardCharsets.UTF_8);
            throw new CallFailed(what + " answered " + status + ": "
                    + (text.length() > 300 ? text.substring(0, 300) : text));
        }
        return answer;
    }
}

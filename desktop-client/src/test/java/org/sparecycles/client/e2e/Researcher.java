package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.sparecycles.client.testing.Await;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.AccountSession;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.BatchSubmission;
import org.sparecycles.workunits.protocol.CreateProjectRequest;
import org.sparecycles.workunits.protocol.LoginRequest;
import org.sparecycles.workunits.protocol.ProjectInfo;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.samples.SampleImages;

/** A researcher talking to the server over real HTTP, as a script or the web UI would. */
final class Researcher {
    private static final ObjectMapper JSON = Json.mapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI server;
    private final String token;

    private Researcher(URI server, String token) {
        this.server = server;
        this.token = token;
    }

    static Researcher logIn(URI server, String email, String password) throws IOException, InterruptedException {
        Researcher anonymous = new Researcher(server, null);
        AccountSession session = anonymous.post("/api/v1/accounts/login", new LoginRequest(email, password),
                AccountSession.class);
        return new Researcher(server, session.authenticator());
    }

    ProjectInfo createProject(String name) throws IOException, InterruptedException {
        return post("/api/v1/projects", new CreateProjectRequest(name, "end-to-end test project"), ProjectInfo.class);
    }

    /** Submits sample images (by name) as one batch. */
    BatchStatus submit(long projectId, List<String> samples, Map<String, String> parameters, RedundancyPolicy policy,
                       int filesPerWorkUnit) throws IOException, InterruptedException {
        Multipart form = new Multipart().json("batch", JSON.writeValueAsString(
                new BatchSubmission(projectId, "e2e batch", "particle-count", parameters, policy, filesPerWorkUnit)));
        for (String name : samples) {
            form.file("file", name, SampleImages.bytes(name));
        }
        HttpResponse<byte[]> response = http.send(request("/api/v1/batches")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(201, response.statusCode(), () -> new String(response.body()));
        return JSON.readValue(response.body(), BatchStatus.class);
    }

    BatchStatus status(long batchId) throws IOException, InterruptedException {
        return JSON.readValue(get("/api/v1/batches/" + batchId), BatchStatus.class);
    }

    /** Waits until the batch is no longer in progress, and returns its status. */
    BatchStatus awaitDone(long batchId, Duration bound, ClientProcess... clients) throws InterruptedException {
        Await.until(() -> !"IN_PROGRESS".equals(status(batchId).state()), bound, () -> {
            StringBuilder s = new StringBuilder("batch " + batchId + " not done");
            try {
                s.append(": ").append(status(batchId));
                for (ClientProcess c : clients) {
                    s.append("\n--- client ").append(c.dataDir()).append(":\n").append(c.tail());
                }
            } catch (Exception e) {
                s.append(" (").append(e).append(')');
            }
            return s.toString();
        });
        try {
            return status(batchId);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    JsonNode resultsJson(long batchId) throws IOException, InterruptedException {
        return org.sparecycles.workunits.json.CanonicalJson.read(get("/api/v1/batches/" + batchId + "/results.json"));
    }

    String resultsCsv(long batchId) throws IOException, InterruptedException {
        return new String(get("/api/v1/batches/" + batchId + "/results.csv"), java.nio.charset.StandardCharsets.UTF_8);
    }

    byte[] get(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), () -> path + ": " + new String(response.body()));
        return response.body();
    }

    <T> T post(String path, Object body, Class<T> type) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError(path + " answered " + response.statusCode() + ": " + new String(response.body()));
        }
        return JSON.readValue(response.body(), type);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(30));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }
}

package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * Walks the server's API route table: every route is listed here with the role it needs, a stranger gets 401 on
 * every route that needs an account, and a volunteer gets 403 on every researcher route. A new route that is not
 * listed here fails the test, so nobody adds one without deciding who may call it.
 */
class ApiRolesTest {
    /** Who may call each route: anyone, any account (volunteer), or a researcher. There are no admin API routes. */
    private static final Map<String, String> ROLES = new TreeMap<>(Map.ofEntries(
            Map.entry("GET /api/v1/health", "anyone"),
            Map.entry("GET /api/v1/apps", "anyone"),
            Map.entry("GET /api/v1/projects", "anyone"),
            Map.entry("GET /api/v1/project-key", "anyone"),
            Map.entry("POST /api/v1/accounts", "anyone"),
            Map.entry("POST /api/v1/accounts/login", "anyone"),
            Map.entry("GET /api/v1/accounts/me", "volunteer"),
            Map.entry("POST /api/v1/hosts", "volunteer"),
            Map.entry("POST /api/v1/scheduler", "volunteer"),
            Map.entry("GET /api/v1/files/{sha256}", "volunteer"),
            Map.entry("PUT /api/v1/results/{id}/output", "volunteer"),
            Map.entry("POST /api/v1/projects", "researcher"),
            Map.entry("POST /api/v1/batches", "researcher"),
            Map.entry("GET /api/v1/batches", "researcher"),
            Map.entry("GET /api/v1/batches/{id}", "researcher"),
            Map.entry("GET /api/v1/batches/{id}/results.json", "researcher"),
            Map.entry("GET /api/v1/batches/{id}/results.csv", "researcher")));

    @TempDir
    static Path tmp;
    static TestServer t;
    static Map<String, String> values;

    @BeforeAll
    static void start() {
        t = TestServer.start(tmp.resolve("data"));
        Api researcher = t.researcher();
        BatchStatus batch = t.submit(researcher, t.project(researcher), RedundancyPolicy.DEFAULT, 1, "blobs.png");
        String sha = t.rows("SELECT sha256 FROM batch_files WHERE batch_id = ?", batch.id()).get(0).get(0);
        long result = t.count("SELECT MIN(r.id) FROM results r JOIN work_units w ON w.id = r.work_unit_id"
                + " WHERE w.batch_id = ?", batch.id());
        values = Map.of("{id}", String.valueOf(batch.id()), "{sha256}", sha, "{result}", String.valueOf(result));
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void everyApiRouteIsListedWithItsRole() {
        assertEquals(new TreeSet<>(ROLES.keySet()), new TreeSet<>(t.server.apiRoutes()),
                "routes registered vs. listed in this test");
    }

    @Test
    void strangerGets401OnEveryRouteThatNeedsAnAccount() throws Exception {
        for (String route : t.server.apiRoutes()) {
            if (!ROLES.get(route).equals("anyone")) {
                assertEquals(401, call(route, null).statusCode(), route);
            }
        }
    }

    @Test
    void volunteerGets403OnEveryResearcherRoute() throws Exception {
        long id = t.server.accounts().create("walker@test.example", "walker-password", null, java.util.Set.of());
        String volunteer = t.server.accounts().issueAuthenticator(id);
        for (String route : t.server.apiRoutes()) {
            if (ROLES.get(route).equals("researcher")) {
                HttpResponse<String> r = call(route, volunteer);
                assertEquals(403, r.statusCode(), route + ": " + r.body());
            }
        }
    }

    /** Calls a route with its path values filled in and an empty JSON body; the role check comes first. */
    private static HttpResponse<String> call(String route, String authenticator) throws Exception {
        String[] parts = route.split(" ", 2);
        String path = parts[1];
        if (path.startsWith("/api/v1/results/")) {
            path = path.replace("{id}", values.get("{result}"));
        }
        for (var e : values.entrySet()) {
            path = path.replace(e.getKey(), e.getValue());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.server.baseUri().toString() + path.substring(1)))
                .header("Content-Type", "application/json")
                .method(parts[0], parts[0].equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"));
        if (authenticator != null) {
            b.header("Authorization", "Bearer " + authenticator);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}

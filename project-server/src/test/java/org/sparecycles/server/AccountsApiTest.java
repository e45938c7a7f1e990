package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.protocol.AccountSession;
import org.sparecycles.workunits.protocol.ApiError;
import org.sparecycles.workunits.protocol.CreateAccountRequest;
import org.sparecycles.workunits.protocol.CreateProjectRequest;
import org.sparecycles.workunits.protocol.HealthStatus;
import org.sparecycles.workunits.protocol.LoginRequest;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

class AccountsApiTest {
    @TempDir
    Path tmp;
    TestServer t;

    @BeforeEach
    void start() {
        t = TestServer.start(tmp.resolve("data"));
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void healthIsOkWhenTheDatabaseAnswers() {
        assertEquals("ok", t.anonymous.get("/api/v1/health").expect(200, HealthStatus.class).status());
    }

    @Test
    void createsVolunteerAccountAndLogsInWithItsPassword() {
        AccountSession created = t.anonymous.post("/api/v1/accounts",
                new CreateAccountRequest("Ada@Example.org", "correct horse", "Ada")).expect(201, AccountSession.class);
        assertEquals(List.of("volunteer"), created.roles());
        assertEquals("ada@example.org", created.email());
        assertEquals(64, created.authenticator().length());

        AccountSession login = t.anonymous.post("/api/v1/accounts/login",
                new LoginRequest("ada@example.org", "correct horse")).expect(200, AccountSession.class);
        assertEquals(created.accountId(), login.accountId());
        assertNotEquals(created.authenticator(), login.authenticator());
        Api ada = new Api(t.server.baseUri(), login.authenticator());
        assertEquals(200, ada.get("/api/v1/accounts/me").status());
        assertEquals(403, ada.get("/api/v1/batches").status(), "batches are for researchers");
    }

    @Test
    void repeatedFailedApiLogInsAreSlowedDownLikeTheWebForm() throws Exception {
        t.server.accounts().create("guessed@example.org", "right password", null, java.util.Set.of());
        for (int i = 0; i < 3; i++) {
            assertEquals(401, t.anonymous.post("/api/v1/accounts/login",
                    new LoginRequest("guessed@example.org", "wrong guess " + i)).status());
        }
        java.net.http.HttpResponse<String> slowed = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(t.server.baseUri().resolve("/api/v1/accounts/login"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(TestServer.json(
                                new LoginRequest("guessed@example.org", "right password")))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(429, slowed.statusCode(), slowed.body());
        assertEquals("2", slowed.headers().firstValue("Retry-After").orElse(""), "2 s after the third failure");
        assertTrue(slowed.body().contains("\"error\":\"too_many_attempts\""), slowed.body());

        // the e-mail is compared without case, and the right password does not help while slowed down
        assertEquals(429, t.anonymous.post("/api/v1/accounts/login",
                new LoginRequest("GUESSED@example.org", "right password")).status());
        t.clock.advance(java.time.Duration.ofSeconds(3));
        assertEquals(200, t.anonymous.post("/api/v1/accounts/login",
                new LoginRequest("guessed@example.org", "right password")).status());
        assertEquals(401, t.anonymous.post("/api/v1/accounts/login",
                new LoginRequest("guessed@example.org", "wrong again")).status(), "a success cleared the count");
    }

    @Test
    void wrongPasswordAndUnknownEmailGetTheSame401() {
        t.anonymous.post("/api/v1/accounts", new CreateAccountRequest("bob@example.org", "right password", null))
                .expect(201, AccountSession.class);
        ApiError wrong = t.anonymous.post("/api/v1/accounts/login", new LoginRequest("bob@example.org", "wrong one"))
                .expect(401, ApiError.class);
        ApiError unknown = t.anonymous.post("/api/v1/accounts/login", new LoginRequest("nobody@example.org", "x"))
                .expect(401, ApiError.class);
        assertEquals(wrong, unknown);
    }

    @Test
    void invalidAccountIsRefusedWithEveryProblemNamed() {
        ApiError e = t.anonymous.post("/api/v1/accounts", new CreateAccountRequest("not-an-email", "short", null))
                .expect(400, ApiError.class);
        assertEquals(2, e.problems().size(), e::toString);
        assertTrue(e.problems().get(0).startsWith("email:"), e::toString);
        assertTrue(e.problems().get(1).startsWith("password:"), e::toString);
        assertEquals(0, t.count("SELECT COUNT(*) FROM accounts"));
    }

    @Test
    void secondAccountWithTheSameEmailIsAConflict() {
        t.anonymous.post("/api/v1/accounts", new CreateAccountRequest("eve@example.org", "password one", null))
                .expect(201, AccountSession.class);
        t.anonymous.post("/api/v1/accounts", new CreateAccountRequest("EVE@example.org", "password two", null))
                .expect(409, ApiError.class);
    }

    @Test
    void storesOnlyPbkdf2HashesAndAuthenticatorDigests() {
        AccountSession s = t.anonymous.post("/api/v1/accounts",
                new CreateAccountRequest("carol@example.org", "carol's password", null)).expect(201, AccountSession.class);
        String hash = t.rows("SELECT password_hash FROM accounts WHERE id = ?", s.accountId()).get(0).get(0);
        assertTrue(hash.startsWith("pbkdf2-sha256$600000$"), hash);
        assertTrue(!hash.contains("carol's password"));
        assertEquals(List.of(List.of(Sha256.hex(s.authenticator().getBytes(StandardCharsets.US_ASCII)))),
                t.rows("SELECT token_sha256 FROM authenticators WHERE account_id = ?", s.accountId()));
    }

    @Test
    void requestsWithoutOrWithUnknownAuthenticatorAre401() {
        assertEquals(401, t.anonymous.get("/api/v1/batches").status());
        assertEquals(401, new Api(t.server.baseUri(), "ab".repeat(32)).get("/api/v1/batches").status());
        assertEquals(401, t.anonymous.post("/api/v1/projects", new CreateProjectRequest("p", "d")).status());
    }

    @Test
    void volunteerCannotCreateProjectsOrSubmitBatches() {
        Api researcher = t.researcher();
        long project = t.project(researcher);
        Api volunteer = t.volunteer();
        ApiError e = volunteer.post("/api/v1/projects", new CreateProjectRequest("mine", "d")).expect(403, ApiError.class);
        assertTrue(e.detail().contains("researcher"), e::toString);
        assertEquals(403, volunteer.postMultipart("/api/v1/batches",
                TestServer.batchForm(project, RedundancyPolicy.DEFAULT, 1, "blobs.png")).status());
        assertEquals(1, t.count("SELECT COUNT(*) FROM projects"));
    }

    @Test
    void researcherSeesOnlyOwnBatchesAndAdminSeesAll() {
        Api owner = t.researcher();
        long batch = t.submit(owner, t.project(owner), RedundancyPolicy.DEFAULT, 1, "blobs.png").id();
        Api other = t.researcher();
        assertEquals(403, other.get("/api/v1/batches/" + batch).status());
        assertEquals(403, other.get("/api/v1/batches/" + batch + "/results.csv").status());
        assertEquals(403, other.postMultipart("/api/v1/batches",
                TestServer.batchForm(t.count("SELECT MIN(id) FROM projects"), RedundancyPolicy.DEFAULT, 1,
                        "blobs.png")).status(), "submitting into another researcher's project");
        Api admin = t.account("admin@test.example", Role.ADMIN);
        assertEquals(200, admin.get("/api/v1/batches/" + batch).status());
        assertEquals(404, admin.get("/api/v1/batches/999999").status());
    }
}

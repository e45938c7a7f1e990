package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session cookies, log-in throttling and the pages' headers, over plain HTTP. */
class WebSessionsTest {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" content=\"([0-9a-f]{64})\"");

    @TempDir
    Path tmp;
    TestServer t;
    HttpClient http;

    @BeforeEach
    void start() {
        t = TestServer.start(tmp.resolve("data"));
        http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        t.server.accounts().create("someone@test.example", "right-password", "Someone", Set.of());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void sessionCookieIsHttpOnlyAndSameSite() throws Exception {
        HttpResponse<String> r = logIn("someone@test.example", "right-password");
        assertEquals(303, r.statusCode(), r.body());
        String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("sc_session="))
                .findFirst().orElseThrow();
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Lax"), cookie);
        assertEquals(200, get("/account").statusCode());
    }

    @Test
    void repeatedFailedLogInsAreSlowedDown() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(401, logIn("someone@test.example", "wrong-password").statusCode());
        }
        HttpResponse<String> slowed = logIn("someone@test.example", "right-password");
        assertEquals(429, slowed.statusCode());
        assertEquals("2", slowed.headers().firstValue("Retry-After").orElse(""));
        assertTrue(slowed.body().contains("Too many failed attempts"), slowed.body());
        t.clock.advance(Duration.ofSeconds(3));
        assertEquals(303, logIn("someone@test.example", "right-password").statusCode());
    }

    @Test
    void logInFormLoadedBeforeARestartStillPostsAfterIt() throws Exception {
        HttpResponse<String> form = get("/login");
        Matcher m = CSRF.matcher(form.body());
        assertTrue(m.find());
        String pre = form.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("sc_pre="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        t.close();
        t = TestServer.start(tmp.resolve("data"));

        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", pre)
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + m.group(1)
                        + "&email=someone@test.example&password=right-password", StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, r.statusCode(), r.body());
        Path key = tmp.resolve("data").resolve("web-form.key");
        if (key.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    java.nio.file.Files.getPosixFilePermissions(key)));
        }
    }

    @Test
    void logOutEndsTheSession() throws Exception {
        logIn("someone@test.example", "right-password");
        assertEquals(200, get("/account").statusCode());
        HttpResponse<String> out = post("/logout", "_csrf=" + csrf("/account"));
        assertEquals(303, out.statusCode());
        HttpResponse<String> after = get("/account");
        assertEquals(303, after.statusCode());
        assertTrue(after.headers().firstValue("Location").orElse("").startsWith("/login?next="));
    }

    @Test
    void pagesCarrySecurityHeadersAndAssetsComeFromTheJar() throws Exception {
        HttpResponse<String> home = get("/");
        assertTrue(home.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        assertEquals("DENY", home.headers().firstValue("X-Frame-Options").orElse(""));
        Matcher htmx = Pattern.compile("src=\"(/webjars/htmx.org/[^\"]+)\"").matcher(home.body());
        assertTrue(htmx.find(), home.body());
        assertEquals(200, get(htmx.group(1)).statusCode());
        assertEquals(200, get("/static/app.js").statusCode());
        assertEquals(404, get("/webjars/../web/static/app.js").statusCode());
    }

    @Test
    void statisticsExportNamesOnlyAccountsThatOptedIn() throws Exception {
        long shown = t.server.accounts().create("shown@test.example", "right-password", "Shown Name", Set.of());
        t.server.accounts().setShowName(shown, true);
        HttpResponse<String> r = get("/stats/daily.json");
        assertEquals(200, r.statusCode());
        var json = org.sparecycles.workunits.json.Json.mapper().readTree(r.body());
        assertEquals("sparecycles-stats", json.get("format").asText());
        assertEquals(1, json.get("version").asInt());
        assertEquals(30, json.get("credit_per_day").size());
        for (var account : json.get("accounts")) {
            String expected = account.get("id").asLong() == shown ? "Shown Name" : null;
            assertEquals(expected, account.get("name").isNull() ? null : account.get("name").asText());
        }
        assertTrue(!r.body().contains("@test.example"), "no e-mail addresses: " + r.body());
    }

    private String csrf(String page) throws Exception {
        Matcher m = CSRF.matcher(get(page).body());
        assertTrue(m.find());
        return m.group(1);
    }

    private HttpResponse<String> logIn(String email, String password) throws Exception {
        return post("/login", "_csrf=" + csrf("/login") + "&email=" + email + "&password=" + password);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(t.server.baseUri().toString() + path.substring(1));
    }
}

package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * The web UI in a real headless Chromium against a real server on port 0: role checks, CSRF, escaping, and the
 * admin's validation figures following what volunteers report.
 */
class WebUiBrowserTest {
    private static final String PASSWORD = "browser-test-password";

    @TempDir
    static Path tmp;
    static TestServer t;
    static Browser browser;

    @BeforeAll
    static void start() {
        t = TestServer.start(tmp.resolve("data"));
        browser = new Browser(t.server.baseUri().toString(), tmp.resolve("chromium"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (t != null) {
            t.close();
        }
    }

    @BeforeEach
    void anonymous() {
        browser.logOut();
    }

    @Test
    void strangerIsSentToLogInAndComesBackAfterwards() {
        t.server.accounts().create("admin-return@test.example", PASSWORD, "Admin", Set.of(Role.ADMIN));
        browser.open("/admin/hosts");
        browser.wait.until(d -> browser.path().startsWith("/login?next="));
        browser.driver.findElement(By.id("email")).sendKeys("admin-return@test.example");
        browser.driver.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.driver.findElement(By.id("login-submit")).click();
        browser.wait.until(d -> browser.path().equals("/admin/hosts"));
    }

    @Test
    void volunteerIsRefusedResearcherAndAdminPages() {
        browser.signUp("volunteer-refused@test.example", PASSWORD, false);
        for (String page : List.of("/admin", "/admin/validation", "/admin/accounts", "/batches", "/batches/new")) {
            browser.open(page);
            assertEquals("403", browser.driver.findElement(By.id("error-message")).getAttribute("data-status"), page);
        }
        assertTrue(browser.driver.findElements(By.linkText("Admin")).isEmpty(), "no admin link for a volunteer");
        browser.open("/account");
        assertEquals("0.00", browser.text("total-credit"), "a new volunteer has no credit");
    }

    @Test
    void formPostedWithoutItsCsrfTokenIsRefused() throws Exception {
        browser.signUp("researcher-csrf@test.example", PASSWORD, true);
        browser.open("/projects");
        browser.driver.findElement(By.id("project-name")).sendKeys("Forged");
        browser.driver.executeScript("document.querySelectorAll('form[action=\"/projects\"] input[name=_csrf]')"
                + ".forEach(function (e) { e.remove(); });");
        browser.driver.findElement(By.id("project-create")).click();
        browser.wait.until(d -> !browser.text("error-message").isEmpty());
        assertEquals("403", browser.driver.findElement(By.id("error-message")).getAttribute("data-status"));
        assertEquals(0, t.count("SELECT COUNT(*) FROM projects WHERE name = 'Forged'"));

        // The same post from another site's page: the session cookie alone is not enough.
        String cookie = "sc_session=" + browser.driver.manage().getCookieNamed("sc_session").getValue();
        HttpResponse<String> forged = post("/projects", cookie, "name=Forged&description=x");
        assertEquals(403, forged.statusCode(), forged.body());
        HttpResponse<String> wrongToken = post("/projects", cookie, "name=Forged&description=x&_csrf=" + "0".repeat(64));
        assertEquals(403, wrongToken.statusCode());
        assertEquals(0, t.count("SELECT COUNT(*) FROM projects WHERE name = 'Forged'"));
    }

    @Test
    void projectNamedLikeAScriptIsShownAsText() {
        String name = "<script>alert(1)</script>";
        browser.signUp("researcher-xss@test.example", PASSWORD, true);
        browser.open("/projects");
        browser.driver.findElement(By.id("project-name")).sendKeys(name);
        browser.driver.findElement(By.id("project-description")).sendKeys("<img src=x onerror=alert(2)>");
        browser.driver.findElement(By.id("project-create")).click();
        browser.wait.until(d -> browser.path().startsWith("/projects#project-"));
        for (String page : List.of("/projects", "/")) {
            browser.open(page);
            List<String> names = browser.driver.findElements(By.cssSelector(".project-name")).stream()
                    .map(WebElement::getText).toList();
            assertTrue(names.contains(name), page + " shows the name as text: " + names);
            assertThrows(NoAlertPresentException.class, () -> browser.driver.switchTo().alert(), page + " ran a script");
            assertTrue(browser.driver.getPageSource().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), page);
            assertTrue(browser.driver.findElements(By.cssSelector("main script, main img[src=x]")).isEmpty(), page);
        }
    }

    @Test
    void adminSeesValidationFiguresChangeAsVolunteersReport() {
        Api researcher = t.researcher();
        long project = t.project(researcher);
        BatchStatus batch = t.submit(researcher, project, RedundancyPolicy.DEFAULT, 1, "blobs.png");
        t.server.accounts().create("admin-validation@test.example", PASSWORD, "Admin", Set.of(Role.ADMIN));
        browser.logIn("admin-validation@test.example", PASSWORD);
        browser.open("/admin/validation");
        assertEquals("0", validCell(batch.id()));

        byte[] output = ValidationTest.output("right");
        for (int i = 0; i < 2; i++) {
            Api volunteer = t.volunteer();
            long host = t.host(volunteer, 2.0);
            Assignment a = t.fetch(volunteer, host, 60).get(0);
            t.complete(volunteer, host, a.resultId(), output, 30);
        }
        t.server.runBackgroundPassNow();
        browser.open("/admin/validation");
        assertEquals("2", validCell(batch.id()));
        assertEquals("100.0%", browser.driver.findElement(By.cssSelector(
                "#validation-batches tr[data-key='" + batch.id() + "'] td:nth-child(9)")).getText());
        browser.screenshot("web-admin-validation");

        browser.open("/admin");
        browser.wait.until(d -> !browser.driver.findElements(By.cssSelector("#jobs td")).isEmpty());
        browser.screenshot("web-admin-dashboard");
        browser.open("/admin/hosts");
        browser.screenshot("web-admin-hosts");
        browser.open("/admin/credit");
        browser.screenshot("web-admin-credit");
    }

    @Test
    void adminBlocksAHostAndItGetsNoWork() {
        Api volunteer = t.volunteer();
        long host = t.host(volunteer, 1.0);
        t.server.accounts().create("admin-block@test.example", PASSWORD, "Admin", Set.of(Role.ADMIN));
        browser.logIn("admin-block@test.example", PASSWORD);
        browser.open("/admin/hosts");
        browser.driver.findElement(By.cssSelector("#host-" + host + " button")).click();
        browser.wait.until(d -> browser.driver.findElement(By.id("host-" + host)).getAttribute("class").contains("blocked"));
        assertTrue(t.server.stats().hosts().stream().anyMatch(h -> h.hostId() == host));
        var reply = t.schedule(volunteer, host, 60).expect(200, org.sparecycles.workunits.protocol.SchedulerReply.class);
        assertTrue(reply.assignments().isEmpty());
        assertTrue(reply.messages().get(0).contains("blocked"), reply.messages().toString());
    }

    @Test
    void adminMakesAVolunteerAResearcherWhoThenAbortsABatch() {
        long id = t.server.accounts().create("promoted@test.example", PASSWORD, "Promoted", Set.of());
        t.server.accounts().create("admin-roles@test.example", PASSWORD, "Admin", Set.of(Role.ADMIN));
        browser.logIn("admin-roles@test.example", PASSWORD);
        browser.open("/admin/accounts");
        browser.driver.findElement(By.cssSelector("#account-" + id + " input[value=researcher]")).click();
        WebElement save = browser.driver.findElement(By.cssSelector("#account-" + id + " button"));
        save.click();
        // the clicked box is selected before the form is sent: wait for the page the change redirects to
        browser.awaitReplaced(save);
        browser.wait.until(d -> browser.driver.findElement(By.cssSelector("#account-" + id + " input[value=researcher]"))
                .isSelected());
        assertTrue(t.server.accounts().find(id).orElseThrow().has(Role.RESEARCHER));

        browser.logOut();
        browser.logIn("promoted@test.example", PASSWORD);
        long project = t.server.projects().create(id, "Promoted's project", "").id();
        BatchStatus batch = t.server.batches().submit(id, project, "to abort", "particle-count", TestServer.PARAMETERS,
                RedundancyPolicy.DEFAULT, 1, List.of(new org.sparecycles.workunits.app.InputFile("blobs.png",
                        org.sparecycles.workunits.samples.SampleImages.bytes("blobs.png"))));
        browser.open("/batches/" + batch.id());
        browser.driver.executeScript("window.confirm = function () { return true; };");
        browser.driver.findElement(By.id("abort")).click();
        browser.wait.until(d -> browser.text("batch-state").equals("ABORTED"));
        assertEquals("failed", browser.driver.findElement(By.cssSelector("#results-table tbody td:nth-child(3)")).getText());
        assertEquals(0, t.count("SELECT COUNT(*) FROM results r JOIN work_units w ON w.id = r.work_unit_id"
                + " WHERE w.batch_id = ? AND r.server_state = 'UNSENT'", batch.id()));
    }

    private static String validCell(long batchId) {
        return browser.driver.findElement(By.cssSelector(
                "#validation-batches tr[data-key='" + batchId + "'] td.v-valid")).getText();
    }

    private static HttpResponse<String> post(String path, String cookie, String form) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(t.server.baseUri().toString() + path.substring(1)))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void apiStillAnswersJsonBesideThePages() {
        assertFalse(t.anonymous.get("/api/v1/projects").text().startsWith("<"));
    }
}

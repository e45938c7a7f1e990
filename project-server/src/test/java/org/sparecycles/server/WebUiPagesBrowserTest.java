package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.ParameterSpec;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.samples.SampleImages;

/**
 * The researcher's and admin's pages in a real headless Chromium, each test with its own server (so the work it
 * hands out is its own): editing a project, the preview's error messages, the batch page (parameter order, recent
 * throughput, a sort that survives the live refresh, per-object rows, retire), the credit breakdown and the
 * figures the charts are drawn from.
 */
class WebUiPagesBrowserTest {
    private static final String PASSWORD = "pages-test-password";

    @TempDir
    Path tmp;
    TestServer t;
    Browser browser;

    @BeforeEach
    void start() {
        t = TestServer.start(tmp.resolve("data"));
        browser = new Browser(t.server.baseUri().toString(), tmp.resolve("chromium"));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (t != null) {
            t.close();
        }
    }

    @Test
    void researcherEditsTheirProjectAndOthersMayNot() {
        browser.signUp("editor@test.example", PASSWORD, true);
        browser.open("/projects");
        browser.driver.findElement(By.id("project-name")).sendKeys("Old name");
        browser.driver.findElement(By.id("project-create")).click();
        browser.wait.until(d -> browser.path().startsWith("/projects#project-"));
        long id = Long.parseLong(browser.path().substring("/projects#project-".length()));
        browser.driver.findElement(By.id("edit-project-" + id)).click();
        browser.wait.until(d -> browser.path().equals("/projects/" + id + "/edit"));
        WebElement name = browser.driver.findElement(By.id("project-name"));
        name.clear();
        name.sendKeys("Cell census");
        browser.driver.findElement(By.id("project-description")).sendKeys("Counting cells.");
        browser.driver.findElement(By.id("project-save")).click();
        browser.wait.until(d -> browser.path().startsWith("/projects#project-"));
        assertEquals("Cell census", t.server.projects().find(id).orElseThrow().name());
        assertEquals("Counting cells.", t.server.projects().find(id).orElseThrow().description());
        assertTrue(browser.driver.findElements(By.cssSelector(".project-name")).stream()
                .anyMatch(e -> e.getText().equals("Cell census")));

        browser.signUp("other-researcher@test.example", PASSWORD, true);
        browser.open("/projects/" + id + "/edit");
        assertEquals("403", browser.driver.findElement(By.id("error-message")).getAttribute("data-status"));
    }

    @Test
    void previewExplainsNonImagesAndTooLargeImages() throws Exception {
        browser.signUp("previewer@test.example", PASSWORD, true);
        Path text = Files.writeString(tmp.resolve("notes.txt"), "these are notes, not pixels");
        assertTrue(preview(text).contains("notes.txt: not an image"));

        Path large = tmp.resolve("huge.png");
        ImageIO.write(new BufferedImage(5000, 4000, BufferedImage.TYPE_BYTE_GRAY), "png", large.toFile());
        String problem = preview(large);
        assertTrue(problem.contains("huge.png: 5000 × 4000 pixels is too large to preview (at most 16 megapixels"),
                problem);

        browser.driver.navigate().refresh();
        Path blobs = Files.write(tmp.resolve("blobs.png"), SampleImages.bytes("blobs.png"));
        browser.driver.findElement(By.id("batch-files")).sendKeys(blobs.toString());
        browser.driver.findElement(By.id("preview-button")).click();
        browser.wait.until(d -> !browser.text("preview-count").isEmpty());
        assertTrue(browser.driver.findElements(By.id("preview-problems")).isEmpty());
    }

    private String preview(Path file) {
        browser.open("/batches/new");
        browser.driver.findElement(By.id("batch-files")).sendKeys(file.toString());
        browser.driver.findElement(By.id("preview-button")).click();
        browser.wait.until(d -> !browser.text("preview-problems").isEmpty());
        assertTrue(browser.driver.findElements(By.id("preview-image")).isEmpty());
        return browser.text("preview-problems");
    }

    @Test
    void batchPageKeepsTheChosenSortWhileItRefreshesAndShowsRecentThroughput() throws Exception {
        long owner = t.server.accounts().create("sorter@test.example", PASSWORD, "Sorter", Set.of(Role.RESEARCHER));
        BatchStatus batch = submit(owner, "blobs.png", "dotblot.png", "coins.png");
        browser.logIn("sorter@test.example", PASSWORD);
        browser.open("/batches/" + batch.id());

        List<String> declared = AppRegistry.builtIn().find("particle-count").orElseThrow().parameters().stream()
                .map(ParameterSpec::name).map(n -> n + " = " + TestServer.PARAMETERS.get(n)).toList();
        assertEquals(declared, browser.driver.findElements(By.cssSelector("#batch-parameters .parameter")).stream()
                .map(WebElement::getText).toList(), "parameters in the app's declaration order");
        assertEquals("average since submission", browser.text("rate-basis"));

        WebElement seqHeader = browser.driver.findElement(By.cssSelector("#results-table th:nth-child(1)"));
        seqHeader.click();
        seqHeader.click();
        assertEquals(List.of("2", "1", "0"), column(1));

        t.clock.advance(Duration.ofMinutes(20));
        completeNextWorkUnit();
        browser.wait.until(d -> column(3).contains("merged"));
        assertEquals(List.of("2", "1", "0"), column(1), "the sort survived the refresh");
        assertEquals("merged", column(3).get(2), "blobs.png, the first file (0), is last");
        assertEquals("desc", browser.driver.findElement(By.cssSelector("#results-table th:nth-child(1)"))
                .getAttribute("data-order"));

        // one file in the last 10 minutes: 0.1 a minute, 20 minutes for the other two
        browser.wait.until(d -> browser.text("rate-basis").equals("last 10 minutes"));
        assertEquals("0.10", browser.text("throughput"));
        assertEquals("about 20 min", browser.text("time-left"));

        // nothing merged in the last 10 minutes: back to the average since submission (1 file in ~35 minutes)
        t.clock.advance(Duration.ofMinutes(15));
        browser.open("/batches/" + batch.id());
        assertEquals("average since submission", browser.text("rate-basis"));
        assertEquals("0.03", browser.text("throughput"));
        assertTrue(browser.text("time-left").startsWith("about 70 min")
                || browser.text("time-left").startsWith("about 69 min"), browser.text("time-left"));
    }

    @Test
    void finishedBatchStopsRefreshingShowsObjectsAndIsRetired() throws Exception {
        long owner = t.server.accounts().create("retirer@test.example", PASSWORD, "Retirer", Set.of(Role.RESEARCHER));
        BatchStatus batch = submit(owner, "blobs.png");
        browser.logIn("retirer@test.example", PASSWORD);
        browser.open("/batches/" + batch.id());
        assertEquals("every 2s", browser.driver.findElement(By.id("progress")).getAttribute("hx-trigger"));
        completeNextWorkUnit();
        browser.wait.until(d -> browser.text("batch-state").equals("DONE"));
        browser.wait.until(d -> browser.driver.findElement(By.id("files")).getAttribute("data-state").equals("DONE"));
        assertNull(browser.driver.findElement(By.id("progress")).getAttribute("hx-trigger"), "no polling when done");
        assertNull(browser.driver.findElement(By.id("files")).getAttribute("hx-trigger"), "no polling when done");

        browser.driver.findElement(By.linkText("blobs.png")).click();
        browser.wait.until(d -> browser.path().equals("/batches/" + batch.id() + "/files/0"));
        int count = Integer.parseInt(browser.text("file-count"));
        assertTrue(count > 0);
        assertEquals(count, browser.driver.findElements(By.cssSelector("#objects-table tbody tr")).size());
        browser.driver.findElement(By.xpath("//table[@id='objects-table']//th[text()='area']")).click();
        int areaColumn = 1 + browser.driver.findElements(By.cssSelector("#objects-table th")).stream()
                .map(WebElement::getText).toList().indexOf("area");
        List<Integer> areas = browser.driver.findElements(By.cssSelector("#objects-table tbody td:nth-child("
                + areaColumn + ")")).stream().map(e -> Integer.parseInt(e.getText())).toList();
        assertEquals(areas.stream().sorted().toList(), areas, "sorted by area");
        assertTrue((Boolean) browser.driver.executeScript("var i = document.getElementById('file-image');"
                + " return i.complete && i.naturalWidth > 0;"), "outlined image loads");

        browser.open("/batches/" + batch.id());
        browser.driver.findElement(By.id("retire")).click();
        browser.wait.until(d -> browser.text("batch-state").equals("RETIRED"));
        assertTrue(browser.driver.findElements(By.id("retire")).isEmpty());
        assertEquals("RETIRED", t.server.batches().status(batch.id()).state());
        assertTrue(browser.driver.findElement(By.id("download-csv")).isDisplayed(), "results stay downloadable");
    }

    @Test
    void adminSeesCreditBreakdownAndChartsDrawnFromTheRightFigures() throws Exception {
        long owner = t.server.accounts().create("charted@test.example", PASSWORD, "Charted", Set.of(Role.RESEARCHER));
        submit(owner, "blobs.png");
        List<String> volunteers = completeNextWorkUnit();
        long wu = t.count("SELECT MIN(id) FROM work_units");
        double granted = t.rows("SELECT granted_credit FROM work_units WHERE id = ?", wu).stream()
                .mapToDouble(r -> Double.parseDouble(r.get(0))).sum();
        assertTrue(granted > 0);

        t.server.accounts().create("admin-charts@test.example", PASSWORD, "Admin", Set.of(Role.ADMIN));
        browser.logIn("admin-charts@test.example", PASSWORD);
        browser.open("/admin");
        assertEquals(2.0, sum(chart("chart-results-per-hour")), 1e-9, "two results reported");
        assertEquals(24, chart("chart-results-per-hour").get("labels").size());

        browser.open("/admin/credit");
        JsonNode perDay = chart("chart-credit-per-day");
        assertEquals(30, perDay.get("values").size());
        assertEquals(2 * granted, sum(perDay), 1e-3, "credit per day adds up to what was granted");
        browser.driver.findElement(By.id("wu-id")).sendKeys(String.valueOf(wu));
        browser.driver.findElement(By.id("wu-go")).click();
        browser.wait.until(d -> browser.path().equals("/admin/credit/workunits/" + wu));
        assertEquals(org.sparecycles.server.web.ui.Fmt.credit(granted), browser.text("wu-granted"));
        List<WebElement> rows = browser.driver.findElements(By.cssSelector("#wu-results tr[data-result]"));
        assertEquals(2, rows.size());
        for (WebElement row : rows) {
            assertEquals("VALID", row.findElement(By.cssSelector("td:nth-child(5)")).getText());
            assertEquals(org.sparecycles.server.web.ui.Fmt.credit(granted),
                    row.findElement(By.cssSelector("td:nth-child(9)")).getText());
        }

        browser.logOut();
        browser.logIn(volunteers.get(0), "password-of-" + volunteers.get(0));
        browser.open("/account");
        assertEquals(granted, sum(chart("chart-account-credit")), 1e-3, "the volunteer's own credit");
    }

    private JsonNode chart(String id) throws Exception {
        return Json.mapper().readTree(browser.driver.findElement(By.id(id)).getAttribute("data-chart"));
    }

    private static double sum(JsonNode chart) {
        double s = 0;
        for (JsonNode v : chart.get("values")) {
            s += v.asDouble();
        }
        return s;
    }

    @Test
    void aLargeBatchsPageShowsItsFilesAPageAtATime() throws Exception {
        long owner = t.server.accounts().create("pager@test.example", PASSWORD, "Pager", Set.of(Role.RESEARCHER));
        long project = t.server.projects().create(owner, "Many files", "").id();
        List<org.sparecycles.workunits.app.InputFile> inputs = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            inputs.add(new org.sparecycles.workunits.app.InputFile(String.format("tile-%03d.png", i),
                    SampleImages.bytes("blobs.png")));
        }
        BatchStatus batch = t.server.batches().submit(owner, project, "many", "particle-count", TestServer.PARAMETERS,
                RedundancyPolicy.DEFAULT, 1, inputs);
        completeNextWorkUnit();
        browser.logIn("pager@test.example", PASSWORD);
        browser.open("/batches/" + batch.id());

        assertEquals("1–100", browser.text("files-range"));
        assertEquals(100, column(1).size());
        assertEquals("tile-000.png", column(2).get(0));
        assertEquals("merged", column(3).get(0));
        assertEquals(1, browser.driver.findElements(By.cssSelector(".gallery figure")).size(), "the page's merged file");
        assertTrue(browser.driver.findElements(By.id("files-previous")).isEmpty());

        browser.driver.findElement(By.id("files-next")).click();
        browser.wait.until(d -> browser.text("files-range").equals("101–200"));
        assertEquals("tile-100.png", column(2).get(0));
        assertEquals(100, column(1).size());
        assertTrue(browser.driver.findElements(By.cssSelector(".gallery figure")).isEmpty());
        assertTrue(browser.driver.findElement(By.id("files")).getAttribute("hx-get").endsWith("/files?page=2"),
                "the live refresh stays on the page");

        browser.driver.findElement(By.id("files-last")).click();
        browser.wait.until(d -> browser.text("files-range").equals("201–230"));
        assertEquals(30, column(1).size());
        assertEquals("tile-229.png", column(2).get(29));
        assertTrue(browser.driver.findElements(By.id("files-next")).isEmpty());
    }

    @Test
    void adminPagesThroughHostsSearchesThemAndABlockReturnsToTheSamePage() {
        Api volunteer = t.volunteer();
        List<Long> hosts = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            hosts.add(t.host(volunteer, 1.0));
        }
        t.server.accounts().create("pages-admin@test.example", PASSWORD, "Admin", Set.of(Role.ADMIN));
        browser.logIn("pages-admin@test.example", PASSWORD);
        browser.open("/admin/hosts");
        assertEquals("1–100", browser.text("pager-range"));
        assertEquals("150", browser.text("pager-total"));
        assertEquals(100, browser.driver.findElements(By.cssSelector("#hosts tbody tr")).size());

        browser.driver.findElement(By.id("pager-next")).click();
        browser.wait.until(d -> browser.text("pager-range").equals("101–150"));
        long onPage2 = hosts.get(120);
        browser.driver.findElement(By.cssSelector("#host-" + onPage2 + " button")).click();
        browser.wait.until(d -> browser.driver.findElement(By.id("host-" + onPage2)).getAttribute("class")
                .contains("blocked"));
        assertEquals("101–150", browser.text("pager-range"), "back on the page the admin blocked from");

        String name = browser.driver.findElement(By.cssSelector("#host-" + onPage2 + " td:nth-child(2)")).getText();
        browser.driver.findElement(By.id("search")).sendKeys(name);
        browser.driver.findElement(By.id("search-submit")).click();
        browser.wait.until(d -> browser.text("pager-total").equals("1"));
        assertEquals(List.of("host-" + onPage2), browser.driver.findElements(By.cssSelector("#hosts tbody tr"))
                .stream().map(e -> e.getAttribute("id")).toList());

        browser.open("/admin/accounts?q=pages-admin");
        assertEquals("1", browser.text("pager-total"));
        browser.open("/admin/accounts?q=%25");
        assertTrue(browser.driver.findElements(By.cssSelector("#accounts tbody tr")).isEmpty(),
                "% is a character to look for, not a wildcard");
    }

    private BatchStatus submit(long owner, String... samples) {
        long project = t.server.projects().create(owner, "Pages", "").id();
        List<org.sparecycles.workunits.app.InputFile> inputs = new ArrayList<>();
        for (String s : samples) {
            inputs.add(new org.sparecycles.workunits.app.InputFile(s, SampleImages.bytes(s)));
        }
        return t.server.batches().submit(owner, project, "pages", "particle-count", TestServer.PARAMETERS,
                RedundancyPolicy.DEFAULT, 1, inputs);
    }

    /** Two volunteers compute the first work unit for real and report it; returns their e-mail addresses. */
    private List<String> completeNextWorkUnit() throws Exception {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String email = "pages-volunteer-" + i + "-" + System.nanoTime() + "@test.example";
            Api volunteer = t.account(email);
            long host = t.host(volunteer, 2.0);
            Assignment a = t.fetch(volunteer, host, 1).get(0);
            t.complete(volunteer, host, a.resultId(), MergedResultsTest.compute(volunteer, a), 30);
            emails.add(email);
        }
        t.server.runBackgroundPassNow();
        return emails;
    }

    private List<String> column(int n) {
        return browser.texts("#results-table tbody td:nth-child(" + n + ")");
    }
}

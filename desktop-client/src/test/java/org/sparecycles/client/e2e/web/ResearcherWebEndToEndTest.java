package org.sparecycles.client.e2e.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.workunits.samples.SampleImages;

/**
 * A researcher in a real headless Chromium signs up, creates a project, submits a batch of real images (two
 * images and a zip) through the form after previewing it, watches progress reach 100% while two real headless
 * volunteers compute, and downloads the results. The volunteers' account page and the leaderboard show their
 * credit. With {@code -Dscreenshots.dir=...} the pages are saved as the guides' screenshots.
 */
class ResearcherWebEndToEndTest {
    private static final String PASSWORD = "researcher-web-password";

    @TempDir
    Path tmp;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void researcherSubmitsThroughTheFormAndDownloadsResultsWhileVolunteersCompute() throws Exception {
        ProjectServer server = ProjectServer.start(ServerConfig.builder().port(0).dataDir(tmp.resolve("server"))
                .backgroundIntervalSeconds(1).schedulerRequestDelaySeconds(1).schedulerIdleDelaySeconds(1).build());
        open.add(server);
        String base = server.baseUri().toString().replaceAll("/$", "");
        ChromeDriver driver = chromium(tmp.resolve("chromium"));
        open.add(driver::quit);
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);

        driver.get(base + "/signup");
        driver.findElement(By.id("email")).sendKeys("researcher@web.test");
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        driver.findElement(By.id("role-researcher")).click();
        driver.findElement(By.id("signup-submit")).click();
        wait.until(d -> d.getCurrentUrl().endsWith("/batches"));

        driver.get(base + "/projects");
        driver.findElement(By.id("project-name")).sendKeys("Blob census");
        driver.findElement(By.id("project-description")).sendKeys("Counting blobs in microscope images.");
        driver.findElement(By.id("project-create")).click();
        wait.until(d -> d.getCurrentUrl().contains("/projects#project-"));
        screenshot(driver, "web-projects");

        driver.get(base + "/batches/new");
        Path blobs = sample("blobs.png");
        Path dotblot = sample("dotblot.png");
        Path zip = zip("more.zip", "blobs_original_indexed.png");
        driver.findElement(By.id("batch-files")).sendKeys(blobs + "\n" + dotblot + "\n" + zip);
        driver.findElement(By.id("batch-name")).sendKeys("First census");
        new Select(driver.findElement(By.id("param-polarity"))).selectByValue("dark");
        setValue(driver, "param-sigma", "1");
        setValue(driver, "param-min_area", "10");
        driver.findElement(By.id("preview-button")).click();
        wait.until(d -> !d.findElements(By.id("preview-count")).isEmpty());
        driver.executeScript("window.scrollTo(0, 0)");
        int previewCount = Integer.parseInt(driver.findElement(By.id("preview-count")).getText());
        assertTrue(previewCount > 0, "the preview found objects on blobs.png");
        screenshot(driver, "web-new-batch");
        driver.findElement(By.id("batch-submit")).click();
        wait.until(d -> d.getCurrentUrl().matches(".*/batches/\\d+$"));
        String batchPage = driver.getCurrentUrl();
        assertEquals("0%", driver.findElement(By.id("progress-percent")).getText());
        assertEquals(3, driver.findElements(By.cssSelector("#results-table tbody tr")).size());

        Volunteer ada = Volunteer.start(server.baseUri(), "ada@web.test", tmp.resolve("ada"));
        open.add(ada);
        Volunteer bob = Volunteer.start(server.baseUri(), "bob@web.test", tmp.resolve("bob"));
        open.add(bob);

        new WebDriverWait(driver, Duration.ofMinutes(3)).ignoring(StaleElementReferenceException.class)
                .withMessage(() -> "progress never reached 100%; volunteers said:\n" + ada.tail() + "\n" + bob.tail())
                .until(d -> {
                    String percent = d.findElement(By.id("progress-percent")).getText();
                    if (!percent.equals("0%") && !percent.equals("100%")) {
                        screenshot(driver, "web-batch-progress");
                    }
                    return percent.equals("100%");
                });
        assertEquals(batchPage, driver.getCurrentUrl(), "the page updated itself, no reload");
        assertEquals("DONE", driver.findElement(By.id("batch-state")).getText());
        wait.until(d -> d.findElements(By.cssSelector(".gallery img")).size() == 3);
        wait.until(d -> d.findElements(By.cssSelector(".gallery img")).stream()
                .allMatch(img -> ((Number) driver.executeScript("return arguments[0].naturalWidth", img)).intValue() > 0));
        int totalObjects = 0;
        for (WebElement row : driver.findElements(By.cssSelector("#results-table tbody tr"))) {
            assertEquals("merged", row.findElement(By.cssSelector("td:nth-child(3)")).getText());
            totalObjects += Integer.parseInt(row.findElement(By.cssSelector("td:nth-child(4)")).getText());
        }
        assertEquals(String.valueOf(previewCount), driver.findElement(By.cssSelector(
                "#results-table tbody tr:first-child td:nth-child(4)")).getText(), "blobs.png as previewed");
        screenshot(driver, "web-batch-done");

        String cookie = "sc_session=" + driver.manage().getCookieNamed("sc_session").getValue();
        String csv = download(driver.findElement(By.id("download-csv")).getAttribute("href"), cookie);
        assertTrue(csv.startsWith("file,object,"), csv);
        assertEquals(totalObjects + 1, csv.lines().count(), "one CSV row per object plus the header");
        String json = download(driver.findElement(By.id("download-json")).getAttribute("href"), cookie);
        for (String name : List.of("blobs.png", "dotblot.png", "blobs_original_indexed.png")) {
            assertTrue(json.contains("\"file\":\"" + name + "\""), json);
        }

        // A volunteer sees the credit of its validated results.
        driver.manage().deleteAllCookies();
        driver.get(base + "/login");
        driver.findElement(By.id("email")).sendKeys(ada.email);
        driver.findElement(By.id("password")).sendKeys(ada.password);
        driver.findElement(By.id("login-submit")).click();
        wait.until(d -> d.getCurrentUrl().endsWith("/account"));
        assertTrue(Double.parseDouble(driver.findElement(By.id("total-credit")).getText().replace(",", "")) > 0);
        driver.findElement(By.id("show-name")).click();
        driver.findElement(By.id("save-settings")).click();
        wait.until(d -> d.findElement(By.id("show-name")).isSelected());
        screenshot(driver, "web-account");
        driver.get(base + "/leaderboard");
        assertTrue(driver.findElement(By.id("leaderboard")).getText().contains("ada"), "ada opted in");
        assertTrue(driver.findElement(By.id("leaderboard")).getText().contains("anonymous volunteer"), "bob did not");
        screenshot(driver, "web-leaderboard");
    }

    private static ChromeDriver chromium(Path profile) {
        System.setProperty("SE_OFFLINE", "true");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1100", "--user-data-dir=" + profile.toAbsolutePath());
        return new ChromeDriver(service, options);
    }

    private static void setValue(ChromeDriver driver, String id, String value) {
        WebElement input = driver.findElement(By.id(id));
        input.clear();
        input.sendKeys(value);
    }

    private Path sample(String name) throws IOException {
        Path file = tmp.resolve("upload").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, SampleImages.bytes(name));
    }

    private Path zip(String name, String... samples) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String s : samples) {
                zip.putNextEntry(new ZipEntry("images/" + s));
                zip.write(SampleImages.bytes(s));
                zip.closeEntry();
            }
        }
        Path file = tmp.resolve("upload").resolve(name);
        return Files.write(file, bytes.toByteArray());
    }

    private static String download(String url, String cookie) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static void screenshot(ChromeDriver driver, String name) {
        String dir = System.getProperty("screenshots.dir");
        if (dir == null || dir.isBlank()) {
            return;
        }
        try {
            Files.createDirectories(Path.of(dir));
            Files.write(Path.of(dir, name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

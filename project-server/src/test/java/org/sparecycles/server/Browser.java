package org.sparecycles.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through /usr/bin/chromedriver; Selenium Manager stays offline. Screenshots
 * go to the directory in system property {@code screenshots.dir} when it is set (docs/images is made that way).
 */
final class Browser implements AutoCloseable {
    final ChromeDriver driver;
    final WebDriverWait wait;
    private final String base;

    Browser(String baseUri, Path profile) {
        System.setProperty("SE_OFFLINE", "true");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1000", "--user-data-dir=" + profile.toAbsolutePath());
        this.driver = new ChromeDriver(service, options);
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(20)) {
            /** A condition that read a node of a page being replaced is asked again, not failed. */
            @Override
            public <V> V until(Function<? super WebDriver, V> condition) {
                return super.until(d -> {
                    try {
                        return condition.apply(d);
                    } catch (WebDriverException e) {
                        if (ofReplacedPage(e)) {
                            return null;
                        }
                        throw e;
                    }
                });
            }
        };
        wait.ignoring(StaleElementReferenceException.class); // the page may be replaced while a condition reads it
        this.base = baseUri.endsWith("/") ? baseUri.substring(0, baseUri.length() - 1) : baseUri;
    }

    /** Opens a server path such as {@code /login}. */
    void open(String path) {
        driver.get(base + path);
    }

    String path() {
        return driver.getCurrentUrl().substring(base.length());
    }

    /** Waits until the element's page has been replaced, as after the navigation a click on it caused. */
    void awaitReplaced(WebElement element) {
        wait.until(d -> {
            try {
                element.isEnabled();
                return false;
            } catch (WebDriverException e) {
                if (e instanceof StaleElementReferenceException || ofReplacedPage(e)) {
                    return true;
                }
                throw e;
            }
        });
    }

    /**
     * Chromium answers a question about a node of a page being replaced either as stale or as an unknown error,
     * "Node with given id does not belong to the document", which Selenium's {@code stalenessOf} and
     * {@code ignoring} do not take for stale.
     */
    private static boolean ofReplacedPage(WebDriverException e) {
        return String.valueOf(e.getMessage()).contains("does not belong to the document");
    }

    /** Logs in through the form and waits until the browser has left the log-in page. */
    void logIn(String email, String password) {
        open("/login");
        driver.findElement(By.id("email")).sendKeys(email);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("login-submit")).click();
        wait.until(d -> !path().startsWith("/login"));
    }

    /** Signs up through the form as a volunteer or researcher and waits for the landing page. */
    void signUp(String email, String password, boolean researcher) {
        driver.manage().deleteAllCookies();
        open("/signup");
        driver.findElement(By.id("email")).sendKeys(email);
        driver.findElement(By.id("password")).sendKeys(password);
        if (researcher) {
            driver.findElement(By.id("role-researcher")).click();
        }
        driver.findElement(By.id("signup-submit")).click();
        wait.until(d -> path().startsWith(researcher ? "/batches" : "/account"));
    }

    void logOut() {
        driver.manage().deleteAllCookies();
    }

    /** The text of the element with this id, or "" when there is none. */
    String text(String id) {
        List<String> found = texts("[id='" + id + "']");
        return found.isEmpty() ? "" : found.get(0);
    }

    /**
     * The rendered texts of the elements matching a CSS selector, read in one script call: a page that refreshes
     * part of itself (the batch page's live file list) cannot replace them between finding and reading.
     */
    @SuppressWarnings("unchecked")
    List<String> texts(String css) {
        return (List<String>) driver.executeScript("return Array.from(document.querySelectorAll(arguments[0]))"
                + ".map(e => e.innerText.trim())", css);
    }

    /** Saves a screenshot as {@code <screenshots.dir>/<name>.png} when that property is set. */
    void screenshot(String name) {
        String dir = System.getProperty("screenshots.dir");
        if (dir == null || dir.isBlank()) {
            return;
        }
        try {
            Files.createDirectories(Path.of(dir));
            Files.write(Path.of(dir, name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    WebDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.quit();
    }
}

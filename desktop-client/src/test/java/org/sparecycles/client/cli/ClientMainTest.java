package org.sparecycles.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.state.DataDirLock;

class ClientMainTest {
    @TempDir
    Path tmp;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureErr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreErr() {
        System.setErr(originalErr);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void headlessRunNeverLoadsJavaFx() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-verbose:class", "-cp", System.getProperty("java.class.path"),
                ClientMain.class.getName(), "--headless", "--email", "nobody", "--data-dir", tmp.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), out.lines().filter(l -> !l.startsWith("[")).toList().toString());
        assertTrue(out.contains("org.sparecycles.client.cli.ClientMain"), "class loading was not logged");
        assertTrue(out.lines().noneMatch(l -> l.contains(" javafx.") || l.contains("com.sun.javafx")),
                () -> out.lines().filter(l -> l.contains("javafx")).findFirst().orElse(""));
    }

    @Test
    void theHeadlessLaunchersPropertyRunsHeadlessWithoutTheOption() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-D" + ClientMain.HEADLESS_PROPERTY + "=true", "-verbose:class", "-cp",
                System.getProperty("java.class.path"), ClientMain.class.getName(), "--email", "nobody",
                "--data-dir", tmp.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(2, p.waitFor(), out); // the headless run's usage error, not the desktop app
        assertTrue(out.contains("server: missing"), out);
        assertTrue(out.lines().noneMatch(l -> l.contains(" javafx.") || l.contains("com.sun.javafx")), out);
    }

    @Test
    void missingValuesAreNamedAndExitWithTwo() {
        assertEquals(2, ClientMain.run("--headless", "--email", "nobody", "--data-dir", tmp.toString()));
        assertTrue(err().contains("server: missing"), err());
        assertTrue(err().contains("email: 'nobody' is not an e-mail address"), err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, ClientMain.run("--headless", "--frobnicate"));
        assertTrue(err().contains("--frobnicate"), err());
    }

    @Test
    void badFaultInjectionIsAUsageError() {
        assertEquals(2, ClientMain.run("--headless", "--server", "http://127.0.0.1:9", "--email", "a@b.c",
                "--password", "p", "--data-dir", tmp.toString(), "--fault-injection=sometimes"));
        assertTrue(err().contains("fault-injection: 'sometimes'"), err());
    }

    @Test
    void dataDirInUseExitsWithOneAndSaysSo() throws Exception {
        Path dir = tmp.resolve("busy");
        DataDirLock held = DataDirLock.acquire(dir);
        try {
            assertEquals(1, ClientMain.run("--headless", "--server", "http://127.0.0.1:9", "--email", "a@b.c",
                    "--password", "p", "--data-dir", dir.toString()));
        } finally {
            held.close();
        }
        assertTrue(err().contains("is in use by another SpareCycles client"), err());
    }
}

package org.sparecycles.client.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sparecycles.client.testing.Await;

/**
 * A real headless client in its own JVM, started from the test class path, with its output in a log file
 * inside its data dir so a test can wait for event lines.
 */
final class ClientProcess implements AutoCloseable {
    private final List<String> command;
    private final Path dataDir;
    private final Path log;
    private Process process;

    private ClientProcess(List<String> command, Path dataDir) {
        this.command = command;
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".out");
    }

    /** Starts a volunteer with the given extra (test-only) switches. */
    static ClientProcess start(URI server, String email, Path dataDir, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp", System.getProperty("java.class.path"),
                "org.sparecycles.client.cli.ClientMain",
                "--headless",
                "--server", server.toString(),
                "--email", email,
                "--password", "volunteer-password-" + email,
                "--data-dir", dataDir.toString(),
                "--cores", "1",
                "--checkpoint-seconds", "0")); // after every file, so tests can kill a task half-way
        command.addAll(List.of(extra));
        ClientProcess client = new ClientProcess(command, dataDir);
        client.launch();
        return client;
    }

    private void launch() throws IOException {
        Files.createDirectories(dataDir);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Kills the client the way kill -9 does: no shutdown hook runs. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts the same client again on the same data dir. */
    void restart() throws IOException {
        launch();
    }

    /** Everything the client printed so far, across restarts. */
    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    Path dataDir() {
        return dataDir;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the output contains the text; fails with the output when the bound passes. */
    void awaitOutput(String text, Duration bound) throws IOException, InterruptedException {
        Await.until(() -> output().contains(text), bound,
                () -> "client output never contained '" + text + "':\n" + tail());
    }

    /** The last part of the output, for failure messages; never throws. */
    String tail() {
        try {
            String out = output();
            return out.length() > 6000 ? out.substring(out.length() - 6000) : out;
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}

package org.sparecycles.client.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sparecycles.client.testing.Await;

/**
 * The project server in its own JVM ({@code ServerMain serve}), so a test can kill it the way kill -9 does and
 * start it again on the same port and data dir. Output goes to a log file beside the data dir.
 */
final class ServerProcess implements AutoCloseable {
    private final Path dataDir;
    private final Path config;
    private final int port;
    private final Path log;
    private Process process;

    private ServerProcess(Path dataDir, Path config, int port) {
        this.dataDir = dataDir;
        this.config = config;
        this.port = port;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".out");
    }

    /** Runs {@code ServerMain} with the arguments to its end (e.g. {@code user add}); fails on a non-zero exit. */
    static void run(Path log, String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(args)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("ServerMain " + List.of(args) + " failed:\n" + Files.readString(log));
        }
    }

    /** Starts {@code serve} on a free port with the properties in {@code config}, and waits until it is healthy. */
    static ServerProcess start(Path dataDir, Path config) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ServerProcess server = new ServerProcess(dataDir, config, port);
        server.launch();
        return server;
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "org.sparecycles.server.cli.ServerMain"));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts the server (again) and waits for {@code /api/v1/health}. */
    void launch() throws IOException, InterruptedException {
        process = new ProcessBuilder(command("serve", "--port", String.valueOf(port), "--data-dir", dataDir.toString(),
                "--config", config.toString())).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        HttpClient http = HttpClient.newHttpClient();
        Await.until(() -> http.send(HttpRequest.newBuilder(uri().resolve("api/v1/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200, Duration.ofMinutes(1),
                () -> "the server did not become healthy:\n" + tail());
    }

    /** Kills the server the way kill -9 does: no shutdown hook runs. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops the server as Ctrl-C does (its shutdown hook closes the database). */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    String tail() {
        try {
            String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            return out.length() > 6000 ? out.substring(out.length() - 6000) : out;
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}

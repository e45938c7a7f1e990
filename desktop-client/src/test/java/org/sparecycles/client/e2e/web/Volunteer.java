package org.sparecycles.client.e2e.web;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real headless client in its own JVM (started from the test class path), output in a log beside its data dir. */
final class Volunteer implements AutoCloseable {
    final String email;
    final String password;
    private final Path log;
    private final Process process;

    private Volunteer(String email, String password, Path log, Process process) {
        this.email = email;
        this.password = password;
        this.log = log;
        this.process = process;
    }

    static Volunteer start(URI server, String email, Path dataDir) throws IOException {
        String password = "volunteer-password-" + email;
        Files.createDirectories(dataDir);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".out");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), "org.sparecycles.client.cli.ClientMain",
                "--headless", "--server", server.toString(), "--email", email, "--password", password,
                "--data-dir", dataDir.toString(), "--cores", "1"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new Volunteer(email, password, log, process);
    }

    /** The end of the client's output, for failure messages. */
    String tail() {
        try {
            String out = Files.exists(log) ? Files.readString(log) : "";
            return out.length() > 4000 ? out.substring(out.length() - 4000) : out;
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}

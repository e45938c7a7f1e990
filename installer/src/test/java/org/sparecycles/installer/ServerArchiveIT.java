package org.sparecycles.installer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's distribution as an admin unpacks it: {@code bin/project-server} adds an account to the data dir
 * of {@code conf/sparecycles.properties}, serves with that file, and logs to {@code logs/project-server.log}.
 */
class ServerArchiveIT {
    @TempDir
    Path tmp;

    @Test
    void unpackedArchiveServesWithItsConfigurationAndLogsToAFile() throws Exception {
        Path archive = archive();
        run(List.of("tar", "-xzf", archive.toString(), "-C", tmp.toString()));
        Path home;
        try (Stream<Path> dirs = Files.list(tmp)) {
            home = dirs.filter(p -> p.getFileName().toString().startsWith("sparecycles-server-")).findFirst()
                    .orElseThrow();
        }
        for (String file : List.of("bin/project-server", "conf/sparecycles.properties", "conf/logback.xml",
                "systemd/sparecycles-server.service", "lib/project-server.jar", "README.txt")) {
            assertTrue(Files.exists(home.resolve(file)), file + " missing from " + archive);
        }
        assertTrue(Files.isExecutable(home.resolve("bin/project-server")));

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = home.resolve("conf/sparecycles.properties");
        Path data = tmp.resolve("data");
        Files.writeString(config, Files.readString(config).replace("data.dir = /var/lib/sparecycles-server",
                "data.dir = " + data) + "port = " + port + "\n");

        String added = run(List.of(home.resolve("bin/project-server").toString(), "user", "add", "--admin",
                "--email", "admin@archive.test", "--password", "admin-password"));
        assertTrue(added.contains("admin@archive.test"), added);
        assertTrue(Files.isDirectory(data.resolve("db")), "user add did not use the config's data.dir " + data);

        Process server = new ProcessBuilder(home.resolve("bin/project-server").toString(), "serve")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("serve.out").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI login = URI.create("http://127.0.0.1:" + port + "/api/v1/accounts/login");
            HttpRequest request = HttpRequest.newBuilder(login).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"email\":\"admin@archive.test\",\"password\":\"admin-password\"}")).build();
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int status = 0;
            while (status != 200) {
                try {
                    status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException notYet) {
                    if (System.nanoTime() > end || !server.isAlive()) {
                        fail("server not answering on port " + port + ":\n" + Files.readString(tmp.resolve("serve.out")));
                    }
                    TimeUnit.MILLISECONDS.sleep(200);
                }
            }
            Path log = home.resolve("logs/project-server.log");
            assertTrue(Files.readString(log).contains("listening on http://127.0.0.1:" + port), "log: " + log);
        } finally {
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "server did not stop on SIGTERM");
        }
    }

    private static Path archive() throws IOException {
        Path target = Path.of(System.getProperty("installer.target", "target"));
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("sparecycles-server-.*\\.tar\\.gz"))
                    .findFirst().orElseThrow(() -> new AssertionError("no server archive in " + target));
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
        assertEquals(0, p.exitValue(), () -> command + ":\n" + out);
        return out;
    }
}

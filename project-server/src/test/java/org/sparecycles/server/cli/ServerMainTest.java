package org.sparecycles.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.AppRunner;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.protocol.AccountSession;
import org.sparecycles.workunits.samples.SampleImages;

/** The command line, run as a real process from the test class path. */
class ServerMainTest {
    @TempDir
    Path tmp;

    record Run(int exit, byte[] out, String err) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    static Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), ServerMain.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        var err = p.getErrorStream();
        byte[] out = p.getInputStream().readAllBytes();
        String errText = new String(err.readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "process did not end");
        return new Run(p.exitValue(), out, errText);
    }

    Path sample(String name) throws IOException {
        Path file = tmp.resolve(name);
        Files.write(file, SampleImages.bytes(name));
        return file;
    }

    @Test
    void appRunPrintsTheSameCanonicalOutputAVolunteerComputes() throws Exception {
        Run r = run("app", "run", "particle-count", "--param", "sigma=1", "--param", "polarity=dark", "--param",
                "min_area=10", sample("blobs.png").toString(), sample("dotblot.png").toString());
        assertEquals(0, r.exit(), r.err());
        ScienceApp app = AppRegistry.builtIn().find("particle-count").orElseThrow();
        byte[] expected = AppRunner.run(app, app.parseParameters(Map.of("sigma", "1", "polarity", "dark",
                "min_area", "10")), List.of(new InputFile("blobs.png", SampleImages.bytes("blobs.png")),
                new InputFile("dotblot.png", SampleImages.bytes("dotblot.png"))));
        byte[] withNewline = new byte[expected.length + 1];
        System.arraycopy(expected, 0, withNewline, 0, expected.length);
        withNewline[expected.length] = '\n';
        assertArrayEquals(withNewline, r.out());
    }

    @Test
    void appRunNamesTheProblemAndExitsWith2() throws Exception {
        Path blobs = sample("blobs.png");
        Run unknownApp = run("app", "run", "no-such-app", blobs.toString());
        assertEquals(2, unknownApp.exit());
        assertTrue(unknownApp.err().contains("unknown app 'no-such-app'"), unknownApp.err());

        Run badParameter = run("app", "run", "particle-count", "--param", "sigma=99", "--param", "shape=round",
                blobs.toString());
        assertEquals(2, badParameter.exit());
        assertTrue(badParameter.err().contains("sigma: 99 is above the maximum"), badParameter.err());
        assertTrue(badParameter.err().contains("shape: unknown parameter"), badParameter.err());

        Path text = Files.writeString(tmp.resolve("notes.txt"), "not an image");
        Run notAnImage = run("app", "run", "particle-count", text.toString());
        assertEquals(2, notAnImage.exit());
        assertTrue(notAnImage.err().contains("notes.txt"), notAnImage.err());

        Run missing = run("app", "run", "particle-count", tmp.resolve("nowhere.png").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("nowhere.png: no such file"), missing.err());
        assertEquals(0, missing.out().length);
    }

    @Test
    void appListShowsAppsAndParameters() throws Exception {
        Run r = run("app", "list");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.outText().startsWith("particle-count 1.0: "), r.outText());
        assertTrue(r.outText().contains("  min_area (integer, default 10"), r.outText());
    }

    @Test
    void userAddCreatesAnAccountTheServerAcceptsAndRefusesWhileTheServerRuns() throws Exception {
        Path data = tmp.resolve("data");
        Run added = run("user", "add", "--email", "lead@example.org", "--password", "a long password", "--researcher",
                "--data-dir", data.toString());
        assertEquals(0, added.exit(), added.err());
        try (ProjectServer server = ProjectServer.start(ServerConfig.builder().port(0).dataDir(data).build())) {
            var http = java.net.http.HttpClient.newHttpClient();
            var response = http.send(java.net.http.HttpRequest.newBuilder(server.baseUri().resolve("api/v1/accounts/login"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"email\":\"lead@example.org\",\"password\":\"a long password\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            AccountSession session = org.sparecycles.workunits.json.Json.mapper().readValue(response.body(),
                    AccountSession.class);
            assertEquals(List.of("volunteer", "researcher"), session.roles());

            Run whileRunning = run("user", "add", "--email", "x@example.org", "--password", "another password",
                    "--data-dir", data.toString());
            assertEquals(1, whileRunning.exit(), whileRunning.err());
            assertTrue(whileRunning.err().contains("stop it first"), whileRunning.err());
        }
        Run duplicate = run("user", "add", "--email", "LEAD@example.org", "--password", "a long password",
                "--data-dir", data.toString());
        assertEquals(2, duplicate.exit());
        assertTrue(duplicate.err().contains("exists"), duplicate.err());
    }
}

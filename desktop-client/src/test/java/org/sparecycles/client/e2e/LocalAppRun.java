package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.sparecycles.workunits.json.CanonicalJson;
import org.sparecycles.workunits.samples.SampleImages;

/** Runs the server's {@code app run} command in its own JVM: what a researcher does to try parameters locally. */
final class LocalAppRun {
    private LocalAppRun() {
    }

    /** The app's output for each sample, in order, as the per-file JSON objects. */
    static List<JsonNode> perFile(Path workDir, Map<String, String> parameters, List<String> samples)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "org.sparecycles.server.cli.ServerMain", "app", "run", "particle-count"));
        parameters.forEach((k, v) -> command.addAll(List.of("--param", k + "=" + v)));
        for (String name : samples) {
            Path file = workDir.resolve(name);
            Files.write(file, SampleImages.bytes(name));
            command.add(file.toString());
        }
        Path stdout = workDir.resolve("app-run.json");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(workDir.resolve("app-run.err").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("app run did not finish within 120 s");
        }
        assertEquals(0, p.exitValue(), () -> "app run failed: " + read(workDir.resolve("app-run.err")));
        JsonNode doc = CanonicalJson.read(Files.readAllBytes(stdout));
        List<JsonNode> files = new ArrayList<>();
        doc.get("files").forEach(files::add);
        return files;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}

package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.json.CanonicalJson;

/**
 * The README's main job, {@code project-server demo --exit-when-done}, run as its own process: it starts the
 * server, three volunteer processes and their workers, and must leave merged results equal to {@code app run}.
 */
class DemoJobTest {
    private static final List<String> SAMPLES = List.of("blobs.png", "blobs_original_indexed.png", "dotblot.png");
    private static final Map<String, String> PARAMETERS = Map.of("sigma", "1", "polarity", "dark", "min_area", "10");
    private static final Pattern VOLUNTEER_LINE =
            Pattern.compile("(?m)^volunteer-(\\d)@demo\\.sparecycles\\.local\\s.*?\\s(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+([0-9.]+)\\s+([0-9.]+)$");

    @TempDir
    Path tmp;

    @Test
    void demoMergesTheSampleBatchWritesResultsAndSummarises() throws Exception {
        Path out = tmp.resolve("results");
        Path console = tmp.resolve("demo.out");
        Process demo = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "org.sparecycles.server.cli.ServerMain", "demo", "--port", "0",
                "--data-dir", tmp.resolve("data").toString(), "--out", out.toString(), "--exit-when-done")
                .redirectErrorStream(true).redirectOutput(console.toFile()).start();
        try {
            assertTrue(demo.waitFor(5, TimeUnit.MINUTES), () -> "demo still running after 5 minutes:\n" + read(console));
        } finally {
            demo.destroyForcibly();
        }
        String text = read(console);
        assertEquals(0, demo.exitValue(), text);

        assertTrue(text.contains("Batch 1 DONE: 3 files in 3 work units (3 merged, 0 failed)"), text);
        assertTrue(text.contains("100%"), "the progress line reached 100%:\n" + text);
        assertTrue(text.contains("Results: 6 valid, 0 invalid, 0 client errors, 0 no reply"), text);
        Matcher m = VOLUNTEER_LINE.matcher(text);
        int volunteers = 0;
        int valid = 0;
        while (m.find()) {
            volunteers++;
            valid += Integer.parseInt(m.group(2));
            boolean worked = Integer.parseInt(m.group(2)) > 0;
            assertEquals(worked, Double.parseDouble(m.group(5)) > 0, "credit only for valid work: " + m.group());
        }
        assertEquals(3, volunteers, "a summary line per volunteer:\n" + text);
        assertEquals(6, valid, text);
        assertTrue(text.contains("Server: http://127.0.0.1:"), text);
        assertTrue(text.contains("log in as researcher@demo.sparecycles.local / demo-researcher-password"), text);
        assertTrue(text.contains("or as admin@demo.sparecycles.local / demo-admin-password (admin)"), text);

        List<JsonNode> local = LocalAppRun.perFile(tmp.resolve("local"), PARAMETERS, SAMPLES);
        JsonNode merged = CanonicalJson.read(Files.readAllBytes(out.resolve("results.json"))).get("files");
        assertEquals(SAMPLES.size(), merged.size());
        int objects = 0;
        for (int i = 0; i < SAMPLES.size(); i++) {
            assertEquals(local.get(i), merged.get(i), SAMPLES.get(i));
            objects += local.get(i).get("count").asInt();
        }
        List<String> csv = Files.readAllLines(out.resolve("results.csv"), StandardCharsets.UTF_8);
        assertTrue(csv.get(0).startsWith("file,"), csv.get(0));
        assertEquals(objects, csv.size() - 1, "one CSV row per object");
        List<String> files = new ArrayList<>();
        csv.stream().skip(1).map(l -> l.substring(0, l.indexOf(','))).distinct().forEach(files::add);
        assertEquals(SAMPLES, files);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}

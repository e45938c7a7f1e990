package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.json.CanonicalJson;

/**
 * {@code demo --volunteers 3 --faulty 1 --exit-when-done} as its own process: the faulty volunteer starts first
 * and gets work, validation finds every one of its results invalid, it earns nothing, the honest ones earn
 * credit, and the merged results equal a local run of the app.
 */
class DemoFaultyVolunteerTest {
    private static final List<String> SAMPLES = List.of("blobs.png", "blobs_original_indexed.png", "dotblot.png");
    private static final Map<String, String> PARAMETERS = Map.of("sigma", "1", "polarity", "dark", "min_area", "10");
    /** email, valid, invalid, errors, credit (batch), credit (total). */
    private static final Pattern VOLUNTEER_LINE = Pattern.compile("(?m)^volunteer-(\\d)@demo\\.sparecycles\\.local\\s.*?"
            + "\\s(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+([0-9.]+)\\s+([0-9.]+)$");

    @TempDir
    Path tmp;

    @Test
    void faultyVolunteersResultsAreInvalidWithoutCreditAndTheMergedBatchIsRight() throws Exception {
        Path out = tmp.resolve("results");
        Path console = tmp.resolve("demo.out");
        Process demo = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "org.sparecycles.server.cli.ServerMain", "demo", "--port", "0", "--volunteers", "3", "--faulty", "1",
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
        assertTrue(text.contains("(1 faulty, started first)"), text);

        Matcher m = VOLUNTEER_LINE.matcher(text);
        int lines = 0;
        while (m.find()) {
            lines++;
            int valid = Integer.parseInt(m.group(2));
            int invalid = Integer.parseInt(m.group(3));
            double credit = Double.parseDouble(m.group(5));
            if (m.group(1).equals("1")) {
                assertTrue(invalid >= 1, "the faulty volunteer got work and was caught: " + m.group());
                assertEquals(0, valid, m.group());
                assertEquals(0.0, credit, m.group());
                assertEquals(0.0, Double.parseDouble(m.group(6)), m.group());
            } else {
                assertTrue(valid >= 1 && invalid == 0 && credit > 0, "an honest volunteer: " + m.group());
            }
        }
        assertEquals(3, lines, "a summary line per volunteer:\n" + text);
        assertTrue(Pattern.compile("Results: \\d+ valid, [1-9]\\d* invalid").matcher(text).find(), text);

        List<JsonNode> local = LocalAppRun.perFile(tmp.resolve("local"), PARAMETERS, SAMPLES);
        JsonNode merged = CanonicalJson.read(Files.readAllBytes(out.resolve("results.json"))).get("files");
        assertEquals(SAMPLES.size(), merged.size());
        for (int i = 0; i < SAMPLES.size(); i++) {
            assertEquals(local.get(i), merged.get(i), SAMPLES.get(i));
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}

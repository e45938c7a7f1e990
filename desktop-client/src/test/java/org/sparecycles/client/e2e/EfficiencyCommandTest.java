package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.json.Json;

/**
 * {@code project-server efficiency} on a few images, as its own process: a real server, two headless volunteers
 * and their workers; the breakdown of the volunteers' CPU must add up, from figures each client measured.
 */
class EfficiencyCommandTest {
    private static final Pattern ROW = Pattern.compile("(?m)^(\\S.*?)\\s{2,}(\\d+\\.\\d{3})\\s+(\\d+\\.\\d\\d)%$");
    private static final Pattern LAST_LINE = Pattern.compile("(?m)^outside_app_share=(\\d+\\.\\d\\d)% app_cpu_s=(\\S+)"
            + " worker_start_cpu_s=(\\S+) checkpoint_cpu_s=(\\S+) client_cpu_s=(\\S+)$");

    @TempDir
    Path tmp;

    @Test
    void smallRunReportsVolunteerCpuThatAddsUp() throws Exception {
        Path console = tmp.resolve("efficiency.out");
        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.sparecycles.server.cli.ServerMain", "efficiency",
                "--images", "8", "--files-per-work-unit", "4", "--volunteers", "2", "--grid", "4",
                "--data-dir", tmp.resolve("eff").toString())
                .redirectErrorStream(true).redirectOutput(console.toFile()).start();
        try {
            assertTrue(run.waitFor(4, TimeUnit.MINUTES), () -> "still running after 4 minutes:\n" + read(console));
        } finally {
            run.destroyForcibly();
        }
        String text = read(console);
        assertEquals(0, run.exitValue(), text);
        assertTrue(text.contains("Batch 1 DONE: 8 images in 2 work units (2 merged, 0 failed)"), text);
        assertTrue(text.contains("100%"), "progress line reached 100%:\n" + text);

        Map<String, Double> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(text);
        while (m.find()) {
            rows.put(m.group(1).trim(), Double.parseDouble(m.group(2)));
        }
        double app = rows.get("inside the app (worker, app computing)");
        double start = rows.get("worker start (JVM start or next task, to app start)");
        double end = rows.get("worker end (app done to next task or exit)");
        double checkpoints = rows.get("worker checkpoints and progress files");
        double client = rows.get("client process (scheduling, transfers, hashing, state)");
        double total = rows.get("total");
        for (double part : new double[] {app, start, end, checkpoints, client}) {
            assertTrue(part > 0, "every part was measured:\n" + text);
        }
        assertEquals(total, app + start + end + checkpoints + client, 0.003, "the parts add up to the total:\n" + text);
        assertEquals(total - app, rows.get("outside the app"), 0.003, text);
        assertTrue(text.contains("  by thread (whole run, start-up included):")
                && text.contains("    JIT compiler threads (C1, C2)"), text);

        Matcher last = LAST_LINE.matcher(text);
        assertTrue(last.find(), text);
        assertEquals(100 * (total - app) / total, Double.parseDouble(last.group(1)), 0.05, text);
        assertEquals(app, Double.parseDouble(last.group(2)), 0.006);
        assertEquals(start + end, Double.parseDouble(last.group(3)), 0.006);
        assertEquals(checkpoints, Double.parseDouble(last.group(4)), 0.006);
        assertEquals(client, Double.parseDouble(last.group(5)), 0.006);

        int tasks = 0;
        int workers = 0;
        for (int i = 1; i <= 2; i++) {
            JsonNode cpu = Json.mapper().readTree(tmp.resolve("eff/volunteers/volunteer-" + i + "/cpu.json").toFile());
            assertTrue(cpu.get("workersStarted").asInt() >= 1, cpu.toString());
            workers += cpu.get("workersStarted").asInt();
            assertTrue(cpu.get("workerProcessesSeconds").asDouble() > cpu.get("appSeconds").asDouble(), cpu.toString());
            JsonNode threads = cpu.get("clientThreads");
            double byThread = 0;
            for (JsonNode seconds : threads) {
                byThread += seconds.asDouble();
            }
            assertEquals(cpu.get("clientSeconds").asDouble(), byThread, 0.1, "the client's threads add up: " + cpu);
            assertTrue(threads.get("engine").asDouble() > 0 && threads.get("jitCompilers").asDouble() > 0,
                    cpu.toString());
            tasks += cpu.get("tasksMeasured").asInt();
        }
        assertEquals(4, tasks, "two work units, two replicas each");
        assertTrue(workers < tasks, "a worker that finished its task serves its slot's next one: " + workers
                + " workers for " + tasks + " tasks");
        assertTrue(Files.exists(tmp.resolve("eff/workload/NOTICE")));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}

package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    /** Runs {@code efficiency} with these options as its own process, and returns what it printed once it exited 0. */
    private String efficiency(String... options) throws Exception {
        Path console = tmp.resolve("efficiency.out");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "org.sparecycles.server.cli.ServerMain",
                "efficiency", "--volunteers", "2", "--grid", "4", "--data-dir", tmp.resolve("eff").toString()));
        command.addAll(List.of(options));
        Process run = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        try {
            assertTrue(run.waitFor(4, TimeUnit.MINUTES), () -> "still running after 4 minutes:\n" + read(console));
        } finally {
            run.destroyForcibly();
        }
        String text = read(console);
        assertEquals(0, run.exitValue(), text);
        return text;
    }

    @Test
    void smallRunReportsVolunteerCpuThatAddsUp() throws Exception {
        String text = efficiency("--images", "8", "--files-per-work-unit", "4");
        assertTrue(text.contains("Batch 1 DONE: 8 images in 2 work units (2 merged, 0 failed)"), text);
        assertTrue(text.contains("100%"), "progress line reached 100%:\n" + text);

        Map<String, Double> rows = rows(text);
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

    @Test
    void aWarmUpBatchIsLeftOutOfTheFigures() throws Exception {
        String text = efficiency("--warm-up-images", "4", "--images", "4", "--files-per-work-unit", "2",
                "--client-jvm-option=-XX:+PrintCommandLineFlags", "--client-jvm-option=-Xss768k");
        assertTrue(text.contains("Submitted warm-up batch 1: 4 images in 2 work units")
                && text.contains("Submitted batch 2: 4 images in 2 work units"), text);
        assertTrue(text.contains("Batch 2 DONE: 4 images in 2 work units (2 merged, 0 failed)"), text);
        int split = text.indexOf("Batch 2 alone, after the warm-up:");
        assertTrue(text.indexOf("The whole run, the warm-up batch included:") >= 0 && split > 0, text);
        Map<String, Double> whole = rows(text.substring(0, split));
        Map<String, Double> measured = rows(text.substring(split));
        for (Map<String, Double> table : List.of(whole, measured)) {
            double parts = table.get("inside the app (worker, app computing)")
                    + table.get("worker start (JVM start or next task, to app start)")
                    + table.get("worker end (app done to next task or exit)")
                    + table.get("worker checkpoints and progress files")
                    + table.get("client process (scheduling, transfers, hashing, state)");
            assertEquals(table.get("total"), parts, 0.003, "the parts add up:\n" + text);
        }
        double app = measured.get("inside the app (worker, app computing)");
        assertTrue(app > 0 && app < whole.get("inside the app (worker, app computing)"), text);
        assertTrue(measured.get("client process (scheduling, transfers, hashing, state)") > 0, text);
        assertTrue(measured.get("client process (scheduling, transfers, hashing, state)")
                < whole.get("client process (scheduling, transfers, hashing, state)"), text);
        assertTrue(Pattern.compile("(?m)^  of which start-up \\(JVM, attach, host benchmark\\)\\s+-?0\\.000$")
                .matcher(text.substring(split)).find(), "the clients started during the warm-up:\n" + text);
        assertTrue(text.substring(split).contains("  by thread (after the warm-up):"), text);

        int tasks = 0;
        for (int i = 1; i <= 2; i++) {
            tasks += Json.mapper().readTree(tmp.resolve("eff/volunteers/volunteer-" + i + "/cpu.json").toFile())
                    .get("tasksMeasured").asInt();
        }
        for (int i = 1; i <= 2; i++) { // the JVM prints its flags first, so both options reached each client
            String log = read(tmp.resolve("eff/volunteers/volunteer-" + i + ".log"));
            assertTrue(log.contains("-XX:+PrintCommandLineFlags") && log.contains("-XX:ThreadStackSize=768"), log);
        }
        Matcher perTask = Pattern.compile("per task \\((\\d+) tasks").matcher(text.substring(split));
        assertTrue(perTask.find(), text);
        int measuredTasks = Integer.parseInt(perTask.group(1));
        assertTrue(measuredTasks >= 2 && measuredTasks <= 4 && tasks - measuredTasks >= 2,
                "each batch's two work units were computed, the measured batch's alone counted: " + measuredTasks
                        + " of " + tasks + " tasks\n" + text);
        Matcher last = LAST_LINE.matcher(text);
        assertTrue(last.find(), text);
        assertEquals(app, Double.parseDouble(last.group(2)), 0.006, "the closing line is the measured batch's");
    }

    private static Map<String, Double> rows(String text) {
        Map<String, Double> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(text);
        while (m.find()) {
            rows.put(m.group(1).trim(), Double.parseDouble(m.group(2)));
        }
        return rows;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}

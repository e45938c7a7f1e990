package org.sparecycles.server.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.cli.ServerMain;

/** A short real run of {@code loadtest}: a server, simulated hosts over HTTP, the closing figures line. */
class LoadTestCommandTest {
    private static final Pattern LAST_LINE = Pattern.compile("(?m)^results_per_s=(\\d+) p99_ms=(\\d+\\.\\d)$");
    private static final Pattern WHOLE_RUN = Pattern.compile(
            "whole run: ([\\d,]+) work units done; results ([\\d,]+) valid, ([\\d,]+) invalid, ([\\d,]+) inconclusive,"
                    + " ([\\d,]+) client errors");

    private static long count(Matcher m, int group) {
        return Long.parseLong(m.group(group).replace(",", ""));
    }

    @TempDir
    Path tmp;

    /** Runs the command line with these arguments; what it printed, after checking it exited with 0. */
    private static String loadtest(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = ServerMain.commandLine().execute(args);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        return out;
    }

    @Test
    void shortRunWithWrongAndFailedResultsEndsWithTheFiguresLine() {
        String out = loadtest("loadtest", "--duration", "3", "--warmup", "1", "--hosts", "6", "--threads", "3",
                "--work-units", "300", "--batch-size", "150", "--wrong", "0.2", "--failed", "0.1", "--skip-baselines",
                "--data-dir", tmp.toString());
        Matcher last = LAST_LINE.matcher(out);
        assertTrue(last.find(), out);
        assertTrue(Long.parseLong(last.group(1)) > 0, "results went through the whole lifecycle:\n" + out);
        assertTrue(Double.parseDouble(last.group(2)) > 0, out);
        assertTrue(out.contains(" 0 errors"), out);
        Matcher whole = WHOLE_RUN.matcher(out);
        assertTrue(whole.find(), out);
        assertTrue(Long.parseLong(whole.group(2).replace(",", "")) > 0, "valid results: " + whole.group());
        assertTrue(count(whole, 3) + count(whole, 4) > 0, "wrong answers were caught (invalid or inconclusive so far): "
                + whole.group());
        assertTrue(count(whole, 5) > 0, "failed results were counted: " + whole.group());
        Matcher perRequest = PER_REQUEST.matcher(out);
        assertTrue(perRequest.find(), out);
        double dispatchedPerRequest = Double.parseDouble(perRequest.group(1));
        assertTrue(dispatchedPerRequest > 0 && dispatchedPerRequest <= 8, perRequest.group());
        Matcher cpu = CPU.matcher(out);
        assertTrue(cpu.find(), out);
        double all = Double.parseDouble(cpu.group(1));
        double load = Double.parseDouble(cpu.group(2));
        assertTrue(load > 0 && load < all, "the load generator's part of the CPU per result: " + cpu.group());
        assertEquals(all - load, Double.parseDouble(cpu.group(3)), 0.011, cpu.group());
    }

    private static final Pattern CPU = Pattern.compile("CPU per result: (\\d+\\.\\d\\d) ms \\(this process: .*\\)\\R"
            + "  of which the load generator's threads (\\d+\\.\\d\\d) ms \\(\\d+% of \\d+ cores\\), the server and"
            + " the JVM's own threads (-?\\d+\\.\\d\\d) ms");

    private static final Pattern PER_REQUEST = Pattern.compile(
            "results per scheduler request: (\\d+\\.\\d\\d) dispatched; [\\d,]+ requests \\([\\d.]+%\\) asked for work"
                    + " and got none");

    private static final Pattern MEASURED = Pattern.compile("measured ([\\d.]+) s: .* ([\\d,]+) scheduler requests");

    @Test
    void aRateHoldsTheSchedulerRequestsToIt() {
        String out = loadtest("loadtest", "--duration", "3", "--warmup", "1", "--hosts", "6", "--threads", "3",
                "--work-units", "300", "--batch-size", "150", "--rate", "10", "--skip-baselines",
                "--data-dir", tmp.toString());
        Matcher measured = MEASURED.matcher(out);
        assertTrue(measured.find(), out);
        double seconds = Double.parseDouble(measured.group(1));
        long requests = count(measured, 2);
        // unpaced, three threads against a local server make hundreds of requests in 3 s; paced, the window holds
        // its own requests and at most the warm-up second's, when the server fell behind then and they came late
        assertTrue(requests > 0 && requests <= 10 * (seconds + 1) + 3, requests + " requests in " + seconds + " s:\n"
                + out);
        assertFalse(out.contains("was not held"), out);
        assertTrue(out.contains(" 0 errors"), out);
    }

    @Test
    void aRateOneThreadCannotKeepIsReportedAsNotHeld() {
        String out = loadtest("loadtest", "--duration", "2", "--warmup", "0", "--hosts", "2", "--threads", "1",
                "--work-units", "300", "--batch-size", "150", "--rate", "100000", "--skip-baselines",
                "--data-dir", tmp.toString());
        assertTrue(out.contains("warning: --rate 100000 was not held ("), out);
        assertTrue(out.contains("1 thread is too few"), out);
    }

    @Test
    void aPreloadedHistoryIsInTheDatabaseButNotInTheFigures() throws Exception {
        String out = loadtest("loadtest", "--duration", "2", "--warmup", "0", "--hosts", "4", "--threads", "2",
                "--work-units", "100", "--batch-size", "100", "--history-work-units", "3000", "--history-hosts", "40",
                "--skip-baselines", "--data-dir", tmp.toString());
        assertTrue(out.contains("history: 40 accounts and hosts, 3,000 done work units with 6,000 results"), out);
        Matcher whole = WHOLE_RUN.matcher(out);
        assertTrue(whole.find(), out);
        assertTrue(count(whole, 2) > 0 && count(whole, 2) < 6_000,
                "the run's own valid results, without the history's 6,000: " + whole.group());
        assertTrue(out.contains(" 0 errors"), out);
        String url = "jdbc:h2:file:" + tmp.resolve("server/db/sparecycles").toAbsolutePath();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "");
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM results r JOIN"
                     + " work_units w ON w.id = r.work_unit_id WHERE w.name LIKE 'past_%' AND r.validate_state = 'VALID'"
                     + " AND w.canonical_result_id IS NOT NULL AND r.host_id IS NOT NULL")) {
            rs.next();
            assertEquals(6_000, rs.getLong(1), "the history is in the database: two valid results per work unit");
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "");
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM work_units w"
                     + " WHERE w.name LIKE 'past_%' AND (SELECT COUNT(DISTINCT r.host_id) FROM results r"
                     + " WHERE r.work_unit_id = w.id) = 2 AND (SELECT COUNT(DISTINCT r.account_id) FROM results r"
                     + " WHERE r.work_unit_id = w.id) = 2 AND (SELECT r.work_unit_id FROM results r"
                     + " WHERE r.id = w.canonical_result_id) = w.id")) {
            rs.next();
            assertEquals(3_000, rs.getLong(1), "each past work unit's replicas went to two hosts of two accounts,"
                    + " and its canonical result is one of them");
        }
    }
}

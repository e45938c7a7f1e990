package org.sparecycles.server.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void shortRunWithWrongAndFailedResultsEndsWithTheFiguresLine() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = ServerMain.commandLine().execute("loadtest", "--duration", "3", "--warmup", "1", "--hosts", "6",
                    "--threads", "3", "--work-units", "300", "--batch-size", "150", "--wrong", "0.2", "--failed", "0.1",
                    "--skip-baselines", "--data-dir", tmp.toString());
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
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
    }
}

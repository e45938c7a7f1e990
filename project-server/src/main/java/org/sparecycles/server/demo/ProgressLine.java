package org.sparecycles.server.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.sparecycles.workunits.protocol.BatchStatus;

/** Follows a batch until it is done, drawing a progress line: redrawn in place on a terminal, one line per change otherwise. */
public final class ProgressLine {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean terminal = System.console() != null;

    public ProgressLine(PrintStream out) {
        this.out = out;
    }

    /** Thrown when the batch is not done within the bound or the volunteers are gone. */
    public static final class NotDoneException extends Exception {
        NotDoneException(String message) {
            super(message);
        }
    }

    public BatchStatus follow(Supplier<BatchStatus> status, Duration bound, Runnable healthCheck)
            throws NotDoneException, InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        String last = "";
        Object tick = new Object();
        while (true) {
            BatchStatus s = status.get();
            String line = render(s);
            if (!line.equals(last)) {
                out.print(terminal ? "\r" + line : line + System.lineSeparator());
                out.flush();
                last = line;
            }
            if (!"IN_PROGRESS".equals(s.state())) {
                return s;
            }
            try {
                healthCheck.run();
            } catch (IllegalStateException e) {
                throw new NotDoneException(e.getMessage());
            }
            if (System.nanoTime() > end) {
                throw new NotDoneException("batch " + s.id() + " not merged within " + bound.toMinutes()
                        + " minutes: " + line);
            }
            synchronized (tick) {
                tick.wait(500);
            }
        }
    }

    static String render(BatchStatus s) {
        int filled = (int) Math.round(Math.max(0, Math.min(1, s.fractionDone())) * WIDTH);
        Map<String, Integer> wu = s.workUnitsByState();
        int finished = wu.getOrDefault("DONE", 0) + wu.getOrDefault("FAILED", 0);
        return String.format("batch %d [%s%s] %3d%%  work units %d/%d merged%s  results %s",
                s.id(), "#".repeat(filled), "-".repeat(WIDTH - filled), Math.round(s.fractionDone() * 100),
                finished, s.workUnits(), wu.getOrDefault("FAILED", 0) > 0 ? " (" + wu.get("FAILED") + " failed)" : "",
                s.resultsByState());
    }
}

package org.sparecycles.client.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.sparecycles.client.state.AtomicFiles;
import org.sparecycles.workunits.app.AppContext;
import org.sparecycles.workunits.app.AppException;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.AppRunner;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.Parameters;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.Json;

/**
 * The worker process: {@code java ... org.sparecycles.client.worker.WorkerMain <slot dir>}. Runs the task in
 * the slot's {@code task.json} with {@link AppRunner}, resuming from {@code checkpoint.json}. A task that fails
 * ends the process with a {@link WorkerExit} code. After a task that succeeded the worker writes the line
 * {@value #DONE} to its standard output (its control channel; what it logs goes to standard error) and waits for
 * the client's next line on its standard input: {@value #NEXT} runs the task now in the slot's {@code task.json},
 * {@value #EXIT} ends the process with {@link WorkerExit#OK}. So one JVM serves the tasks of a slot one after
 * another, and a task does not pay for a JVM's start and exit. It stops at once when its standard input closes,
 * i.e. when the client that started it is gone, so a killed client leaves no worker writing into the slot.
 */
public final class WorkerMain {
    /** The line a worker writes to its standard output once a task's output and {@code result.json} are written. */
    public static final String DONE = "done";
    /** The client's line asking the worker to run the task now in the slot's {@code task.json}. */
    public static final String NEXT = "next";
    /** The client's line asking an idle worker to exit. */
    public static final String EXIT = "exit";
    /** Least time between two writes of the progress file. */
    private static final long PROGRESS_INTERVAL_NANOS = 500_000_000L;
    private final Slot slot;
    private final CpuClock cpu;
    private final long startNanos = System.nanoTime();

    private WorkerMain(Slot slot, CpuClock cpu) {
        this.slot = slot;
        this.cpu = cpu;
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: WorkerMain <slot dir>");
            System.exit(WorkerExit.BAD_TASK);
        }
        PrintStream control = System.out;
        System.setOut(System.err); // the worker's and the app's log lines go to worker.log, not the control channel
        BlockingQueue<String> commands = new LinkedBlockingQueue<>();
        watchParent(System.in, commands);
        lowerPriority();
        Slot slot = new Slot(-1, Path.of(args[0]));
        CpuClock process = CpuClock.processClock();
        double before = 0; // the first task's CPU includes the JVM's start
        while (true) {
            double base = before;
            int code = new WorkerMain(slot, () -> process.seconds() - base).run();
            if (code != WorkerExit.OK) {
                System.exit(code);
            }
            control.println(DONE);
            control.flush();
            if (control.checkError()) {
                Runtime.getRuntime().halt(WorkerExit.PARENT_GONE);
            }
            if (!NEXT.equals(take(commands))) {
                System.exit(WorkerExit.OK);
            }
            before = process.seconds();
        }
    }

    private static String take(BlockingQueue<String> commands) {
        try {
            return commands.take();
        } catch (InterruptedException e) {
            return EXIT;
        }
    }

    int run() {
        WorkerTask task;
        try {
            AtomicFiles.write(slot.pidFile(), Long.toString(ProcessHandle.current().pid())
                    .getBytes(StandardCharsets.US_ASCII));
            task = slot.readTask();
        } catch (IOException | RuntimeException e) {
            return fail(WorkerExit.BAD_TASK, "cannot read task: " + e);
        }
        try {
            return compute(task);
        } catch (AppException e) {
            return fail(WorkerExit.APP_ERROR, e.getMessage());
        } catch (IllegalArgumentException e) { // includes InvalidParametersException
            return fail(WorkerExit.APP_ERROR, e.getMessage());
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            return fail(WorkerExit.CRASH, "worker failed: " + stackSummary(e));
        }
    }

    private int compute(WorkerTask task) throws IOException, AppException {
        ScienceApp app = AppRegistry.builtIn().find(task.app())
                .orElseThrow(() -> new AppException("this client has no app " + task.app()));
        if (task.appVersion() != null && !task.appVersion().equals(app.version())) {
            throw new AppException("app " + task.app() + " " + task.appVersion() + " requested, this client has "
                    + app.version());
        }
        if (FaultInjectingApp.isFault(task.faultInjection())) {
            app = new FaultInjectingApp(app, task.faultInjection());
        }
        Parameters parameters = app.parseParameters(task.parameters());
        Slot.Checkpoint previous = slot.readCheckpoint()
                .filter(c -> c.resultId() == task.resultId() && c.files().size() <= task.inputs().size())
                .orElse(new Slot.Checkpoint(task.resultId(), List.of(), 0, 0));
        int n = task.inputs().size();
        System.out.println("result " + task.resultId() + ": resuming after " + previous.files().size() + " of " + n
                + " files");
        SlotContext context = new SlotContext(task, previous);
        double appStart = cpu.seconds();
        byte[] output = AppRunner.run(app, parameters, n, i -> load(task.inputs().get(i)), context);
        double appEnd = cpu.seconds();
        AtomicFiles.write(slot.outputFile(), output);
        WorkerOutcome outcome = new WorkerOutcome(task.resultId(), Sha256.hex(output), output.length,
                context.cpuSeconds(), context.elapsedSeconds(), previous.files().size(), context.computed,
                new WorkerOutcome.AppCpu(appStart, appEnd, context.checkpointNanos / 1e9));
        AtomicFiles.write(slot.resultFile(), Json.mapper().writeValueAsBytes(outcome));
        System.out.println("result " + task.resultId() + ": done, computed files " + context.computed);
        return WorkerExit.OK;
    }

    private static InputFile load(WorkerTask.Input input) throws AppException {
        try {
            return new InputFile(input.name(), Files.readAllBytes(Path.of(input.path())));
        } catch (IOException e) {
            throw new AppException(input.name() + ": cannot read the downloaded input (" + e.getMessage() + ")", e);
        }
    }

    private int fail(int code, String message) {
        String text = message == null || message.isBlank() ? "failed without a message" : message;
        System.err.println(text);
        try {
            AtomicFiles.write(slot.errorFile(), text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            System.err.println("cannot write error.txt: " + e);
        }
        return code;
    }

    /** Writes checkpoints and progress into the slot; keeps CPU and wall time summed across runs. */
    private final class SlotContext implements AppContext {
        private final WorkerTask task;
        private final Slot.Checkpoint previous;
        final List<Integer> computed = new ArrayList<>();
        /** CPU of this thread spent writing checkpoints and progress, which is the runtime's, not the app's. */
        long checkpointNanos;
        private long lastCheckpointNanos = startNanos;
        private long lastProgressNanos;
        private boolean progressWritten;
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        SlotContext(WorkerTask task, Slot.Checkpoint previous) {
            this.task = task;
            this.previous = previous;
        }

        double cpuSeconds() {
            return previous.cpuSeconds() + cpu.seconds();
        }

        double elapsedSeconds() {
            return previous.elapsedSeconds() + (System.nanoTime() - startNanos) / 1e9;
        }

        @Override
        public void progress(double fractionDone) {
            long now = System.nanoTime();
            if (fractionDone < 1 && progressWritten && now - lastProgressNanos < PROGRESS_INTERVAL_NANOS) {
                return; // the client reads it about once a second; each write forces the file to disk
            }
            progressWritten = true;
            lastProgressNanos = now;
            long before = threads.getCurrentThreadCpuTime();
            try {
                AtomicFiles.write(slot.progressFile(),
                        String.format(Locale.ROOT, "%.4f", fractionDone).getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                System.err.println("cannot write progress: " + e);
            }
            checkpointNanos += threads.getCurrentThreadCpuTime() - before;
        }

        @Override
        public void checkpoint(List<byte[]> done) {
            computed.add(done.size() - 1);
            long now = System.nanoTime();
            if (done.size() >= task.inputs().size()) {
                // the last file: output.json and result.json, written next, record the finished run; a checkpoint
                // here would serialise every file's results once more for nothing
                delayForTests();
                return;
            }
            if (now - lastCheckpointNanos < task.checkpointIntervalMs() * 1_000_000L) {
                delayForTests();
                return; // too soon: the next checkpoint carries these files too
            }
            lastCheckpointNanos = now;
            long before = threads.getCurrentThreadCpuTime();
            try {
                slot.writeCheckpoint(new Slot.Checkpoint(task.resultId(), done, cpuSeconds(), elapsedSeconds()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write checkpoint", e);
            }
            checkpointNanos += threads.getCurrentThreadCpuTime() - before;
            System.out.println("result " + task.resultId() + ": checkpoint after " + done.size() + " of "
                    + task.inputs().size() + " files");
            delayForTests();
        }

        private void delayForTests() {
            if (task.taskDelayMs() > 0) {
                pause(task.taskDelayMs());
            }
        }

        @Override
        public List<byte[]> resumeFrom() {
            return previous.files();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // test-only slow-down (--task-delay-ms), never in production
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads the client's lines from standard input into {@code commands} ({@link #NEXT}, {@link #EXIT}; others are
     * ignored) and halts the JVM as soon as it reaches end of file: the client died or closed the pipe.
     */
    private static void watchParent(InputStream in, BlockingQueue<String> commands) {
        Thread watcher = new Thread(() -> {
            try {
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String command = line.strip();
                    if (command.equals(NEXT) || command.equals(EXIT)) {
                        commands.add(command);
                    }
                }
            } catch (IOException e) {
                // treated like end of file
            }
            Runtime.getRuntime().halt(WorkerExit.PARENT_GONE);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void lowerPriority() {
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            WindowsPriority.setIdle();
        }
    }

    private static String stackSummary(Throwable e) {
        StringWriter sw = new StringWriter();
        e.printStackTrace(new PrintWriter(sw));
        String s = sw.toString();
        return s.length() > 1000 ? s.substring(0, 1000) + "..." : s;
    }
}

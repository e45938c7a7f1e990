package org.sparecycles.client.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A running worker, serving the tasks of one slot one after another (see {@link WorkerMain}): {@link #task()}
 * completes when the task given last is done, {@link #next()} gives it the next one, {@link #dismiss()} lets an idle
 * worker exit. {@link #stop()} closes its stdin (it halts at once) and kills it to be sure.
 */
public final class WorkerProcess {
    private static final long STOP_WAIT_SECONDS = 5;
    /** How long a dismissed worker may take to exit (an archive-dumping one writes its class archive first). */
    private static final long DISMISS_WAIT_SECONDS = 30;
    private final Process process;
    private final long heapMegabytes;
    private volatile CompletableFuture<Integer> task = new CompletableFuture<>();
    private volatile int tasksGiven = 1;

    /**
     * @param log where lines on the worker's standard output other than control lines go (the JVM's own warnings
     *            are printed there)
     */
    WorkerProcess(Process process, long heapMegabytes, Path log) {
        this.process = process;
        this.heapMegabytes = heapMegabytes;
        Thread reader = new Thread(() -> readControl(log), "sparecycles-worker-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        process.onExit().thenAccept(p -> task.complete(p.exitValue()));
    }

    /**
     * Reads the worker's standard output: each {@link WorkerMain#DONE} completes the task given last; other lines
     * are appended to the log.
     */
    private void readControl(Path log) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.strip().equals(WorkerMain.DONE)) {
                    task.complete(WorkerExit.OK);
                } else {
                    appendTo(log, line);
                }
            }
        } catch (IOException e) {
            // the worker is gone: its exit completes the task
        }
    }

    private static void appendTo(Path log, String line) {
        try {
            Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the slot was cleared meanwhile: the line is dropped, as a log line may be
        }
    }

    public long pid() {
        return process.pid();
    }

    /** The heap the worker was started with, in MiB: it serves only tasks that ask for the same. */
    public long heapMegabytes() {
        return heapMegabytes;
    }

    /**
     * Completes when the task given last is done: with {@link WorkerExit#OK} once its output and {@code result.json}
     * are written (the worker then waits for {@link #next()}), else with the worker's exit code.
     */
    public CompletableFuture<Integer> task() {
        return task;
    }

    /** Tasks given to this worker so far, the one it was started on included. */
    public int tasksGiven() {
        return tasksGiven;
    }

    /** Completes with the exit code when the worker ends. */
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /**
     * Has the idle worker run the task now written into its slot; false when it cannot be told (it is gone), and
     * then nothing was given to it.
     */
    public synchronized boolean next() {
        if (!task.isDone() || !process.isAlive()) {
            return false;
        }
        CompletableFuture<Integer> given = new CompletableFuture<>();
        task = given;
        if (!send(WorkerMain.NEXT)) {
            task = CompletableFuture.completedFuture(WorkerExit.PARENT_GONE);
            return false;
        }
        if (!process.isAlive()) { // it ended before the line reached it; its exit did not complete this task
            process.onExit().thenAccept(p -> given.complete(p.exitValue()));
        }
        tasksGiven++;
        return true;
    }

    /** Lets an idle worker exit cleanly (an archive-dumping worker then writes its archive); killed if it lingers. */
    public void dismiss() {
        if (!send(WorkerMain.EXIT)) {
            process.destroyForcibly();
            return;
        }
        process.onExit().thenApply(p -> true).completeOnTimeout(false, DISMISS_WAIT_SECONDS, TimeUnit.SECONDS)
                .thenAccept(exited -> {
                    if (!exited) {
                        process.destroyForcibly();
                    }
                });
    }

    /** As {@link #dismiss()}, and waits until the worker is gone. */
    public void dismissAndWait() {
        dismiss();
        awaitGone();
    }

    /**
     * Waits until a dismissed worker is gone (and reaped, so its CPU is among the client's ended children), stopping
     * it after {@value #DISMISS_WAIT_SECONDS} s.
     */
    public void awaitGone() {
        try {
            if (!process.waitFor(DISMISS_WAIT_SECONDS, TimeUnit.SECONDS)) {
                stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized boolean send(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the worker in place (it keeps its memory); false when the OS cannot, see {@link ProcessSignals}. */
    public boolean pause() {
        return ProcessSignals.stop(process.pid());
    }

    /** Continues a worker stopped by {@link #pause()}. */
    public boolean proceed() {
        return ProcessSignals.proceed(process.pid());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Closes the worker's stdin only, as the OS does when the client dies; the worker then halts by itself. */
    void closeInput() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** Stops the worker and waits (briefly) until it is gone; it resumes from its checkpoint when started again. */
    public void stop() {
        closeInput();
        process.destroyForcibly();
        try {
            process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

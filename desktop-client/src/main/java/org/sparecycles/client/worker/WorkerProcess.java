package org.sparecycles.client.worker;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A running worker. {@link #stop()} closes its stdin (it halts at once) and kills it to be sure. */
public final class WorkerProcess {
    private static final long STOP_WAIT_SECONDS = 5;
    private final Process process;

    WorkerProcess(Process process) {
        this.process = process;
    }

    public long pid() {
        return process.pid();
    }

    /** Completes with the exit code when the worker ends. */
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
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

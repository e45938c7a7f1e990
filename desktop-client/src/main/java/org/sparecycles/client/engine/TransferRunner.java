package org.sparecycles.client.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.sparecycles.client.net.Failures;
import org.sparecycles.client.net.ServerApi;
import org.sparecycles.client.state.TaskRecord;
import org.sparecycles.client.state.TaskState;
import org.sparecycles.workunits.protocol.InputRef;

/**
 * Downloads the inputs of new tasks and uploads the outputs of computed ones on the I/O pool, with
 * {@link Transfers} keeping track of them; a transfer that fails for a passing reason is tried again after a
 * backoff, any other failure fails its task. Engine thread only.
 */
final class TransferRunner {
    private final EngineState engine;
    private final ServerApi api;
    private final InputCache cache;
    private final Transfers transfers;
    private final TaskRunner runner;
    private final Runnable tick;

    TransferRunner(EngineState engine, ServerApi api, InputCache cache, Transfers transfers, TaskRunner runner,
                   Runnable tick) {
        this.engine = engine;
        this.api = api;
        this.cache = cache;
        this.transfers = transfers;
        this.runner = runner;
        this.tick = tick;
    }

    /** Starts the downloads and uploads that wait for neither another try nor one under way. */
    void startDue(Instant now) {
        for (TaskRecord t : engine.state().tasks()) {
            if (t.state() == TaskState.DOWNLOADING && transfers.mayStart(t.resultId(), now)) {
                download(t);
            } else if (t.state() == TaskState.UPLOADING && transfers.mayStart(t.resultId(), now)) {
                upload(t);
            }
        }
    }

    private void download(TaskRecord t) {
        long id = t.resultId();
        transfers.started(id, "download");
        engine.loop().background(() -> {
            for (InputRef in : t.assignment().inputs()) {
                transfers.show(new EngineSnapshot.TransferView(id, "download", in.name(), in.size()));
                cache.fetch(in);
            }
            return t.assignment().inputs().size();
        }, files -> {
            transfers.done(id);
            engine.updateIf(id, TaskState.DOWNLOADING, r -> r.moveTo(TaskState.READY));
            tick.run();
        }, error -> failed(id, "download", error));
    }

    private void upload(TaskRecord t) {
        long id = t.resultId();
        Path output = engine.output(id);
        if (t.outputSize() > t.assignment().maxOutputBytes()) {
            String message = "output of " + t.outputSize() + " bytes is larger than the signed limit of "
                    + t.assignment().maxOutputBytes() + " bytes";
            engine.log("task " + id + " failed: " + message);
            runner.failTask(id, message);
            return;
        }
        transfers.started(id, "upload");
        transfers.show(new EngineSnapshot.TransferView(id, "upload", output.getFileName().toString(),
                t.outputSize()));
        engine.loop().background(() -> api.uploadOutput(t.assignment().uploadUrl(), output, t.outputSha256()),
                receipt -> {
                    transfers.done(id);
                    engine.log("uploaded output of result " + id + " (" + t.outputSize() + " bytes)");
                    engine.updateIf(id, TaskState.UPLOADING, r -> r.moveTo(TaskState.READY_TO_REPORT));
                    tick.run();
                }, error -> failed(id, "upload", error));
    }

    private void failed(long id, String what, Throwable error) {
        if (Failures.isRetryable(error)) {
            Duration d = transfers.failed(id, engine.clock().instant(), ThreadLocalRandom.current().nextDouble(),
                    Failures.retryAfter(error).orElse(null));
            engine.logRetry(d, what + " of result " + id + ": " + Failures.describe(error));
        } else {
            transfers.done(id);
            String message = what + " failed: " + Failures.describe(error);
            engine.log("task " + id + " failed: " + message);
            engine.state().task(id)
                    .filter(t -> t.state() == TaskState.DOWNLOADING || t.state() == TaskState.UPLOADING)
                    .ifPresent(t -> runner.failTask(id, message));
        }
        tick.run();
    }
}

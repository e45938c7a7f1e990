package org.sparecycles.client.engine;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.net.ApiException;
import org.sparecycles.client.net.Failures;
import org.sparecycles.client.net.ServerApi;
import org.sparecycles.client.state.ClientState;
import org.sparecycles.client.state.TaskRecord;
import org.sparecycles.client.state.TaskState;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.InputRef;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;

/**
 * Talks to the scheduler, one request at a time: reports computed results and asks for work while the buffer runs
 * low, waiting as long as the server asks and backing off after failures; takes in the reply (acknowledged
 * reports, cancelled results, signed assignments). Engine thread only.
 */
final class SchedulerRpc {
    private final EngineState engine;
    private final ServerApi api;
    private final InputCache cache;
    private final ServerBackoff failures;
    private final TaskRunner runner;
    private final AttachFlow attach;
    private final Runnable tick;

    private boolean inFlight;
    /**
     * Whether a reply may have been missed: true for this run's first request (a crash may have lost assignments
     * before they were saved) and after a request that got no reply; the server then sends lost results again.
     */
    private boolean resync = true;
    private int refusedReports;
    private Instant backoffUntil = Instant.EPOCH;
    private Instant nextWorkRequest = Instant.EPOCH;
    private double taskSeconds = WorkFetchPolicy.DEFAULT_TASK_SECONDS;
    private List<String> lastServerMessages = List.of();
    private CompletableFuture<Integer> lastReports;
    /** Whether this run has swept the whole input cache yet (files left by an earlier run); later, per task. */
    private boolean cacheSwept;

    SchedulerRpc(EngineState engine, ServerApi api, InputCache cache, ServerBackoff failures, TaskRunner runner,
                 AttachFlow attach, Runnable tick) {
        this.engine = engine;
        this.api = api;
        this.cache = cache;
        this.failures = failures;
        this.runner = runner;
        this.attach = attach;
        this.tick = tick;
    }

    /** Forgets the waits, so the next step contacts the server. */
    void contactNow() {
        nextWorkRequest = Instant.EPOCH;
        backoffUntil = Instant.EPOCH;
    }

    /** Reports at once; {@code done} completes when the server acknowledged the reports, or fails with the request. */
    void reportLast(CompletableFuture<Integer> done) {
        lastReports = done;
        backoffUntil = Instant.EPOCH;
    }

    boolean backingOff(Instant now) {
        return now.isBefore(backoffUntil);
    }

    /** When work may be asked for again; {@link Instant#EPOCH} when now. */
    Instant nextWorkRequest() {
        return nextWorkRequest;
    }

    /** When the next request is due; null while one is under way or none is wanted. */
    Instant due(Instant now) {
        boolean reportsWaiting = engine.state().tasks().stream().anyMatch(t -> t.state() == TaskState.READY_TO_REPORT);
        if (inFlight || !(reportsWaiting || needsWork())) {
            return null;
        }
        Instant wanted = reportsWaiting ? now : nextWorkRequest;
        return backoffUntil.isAfter(wanted) ? backoffUntil : wanted;
    }

    void maybeRequest(Instant now) {
        if (inFlight || now.isBefore(backoffUntil)) {
            return;
        }
        ClientState state = engine.state();
        List<TaskRecord> reportable = state.tasks().stream().filter(t -> t.state() == TaskState.READY_TO_REPORT)
                .toList();
        boolean askWork = needsWork() && !now.isBefore(nextWorkRequest);
        if (reportable.isEmpty() && !askWork) {
            return;
        }
        double workSeconds = askWork ? workSeconds() : 0;
        List<ResultReport> reports = reportable.stream().map(TaskRecord::report).toList();
        List<Long> inProgress = state.tasks().stream()
                .filter(t -> t.state().isActive() && t.state() != TaskState.READY_TO_REPORT)
                .map(TaskRecord::resultId).toList();
        SchedulerRequest request = new SchedulerRequest(state.attachment().hostId(), reports, workSeconds,
                inProgress, engine.settings().projects(), true, resync);
        inFlight = true;
        engine.loop().background(() -> api.schedulerRequest(request),
                reply -> replied(request, reply), error -> requestFailed(request, error));
    }

    private boolean needsWork() {
        return !engine.settings().noNewTasks() && workSeconds() > 0;
    }

    private double workSeconds() {
        List<TaskRecord> queued = engine.state().tasks().stream().filter(t -> t.state().isQueued()).toList();
        double queuedSeconds = queued.stream().mapToDouble(t -> Math.max(0, t.assignment().estimatedSeconds())
                * (1 - runner.progress(t.resultId()))).sum();
        EngineSettings settings = engine.settings();
        return WorkFetchPolicy.workSeconds(queued.size(), queuedSeconds, engine.config().cores(),
                settings.extraTasks(), settings.minBuffer().toSeconds(), taskSeconds);
    }

    private void replied(SchedulerRequest request, SchedulerReply reply) {
        inFlight = false;
        resync = false;
        failures.answered();
        refusedReports = 0;
        Instant now = engine.clock().instant();
        if (!reply.messages().equals(lastServerMessages)) { // the same words every poll would flood the log
            reply.messages().forEach(m -> engine.log("server: " + m));
            lastServerMessages = reply.messages();
        }
        Set<String> finishedInputs = new HashSet<>();
        int acknowledged = acknowledge(request, reply, finishedInputs);
        for (long id : reply.cancelled()) {
            finishedInputs.addAll(inputsOf(id));
            runner.cancel(id);
        }
        take(reply, now);
        ClientConfig config = engine.config();
        Duration delay = Duration.ofSeconds(Math.max(0, reply.requestDelaySeconds()));
        if (delay.compareTo(config.minRequestInterval()) < 0) {
            delay = config.minRequestInterval();
        }
        Instant next = now.plus(delay);
        if (next.isAfter(nextWorkRequest)) {
            nextWorkRequest = next;
        }
        if (!cacheSwept || !finishedInputs.isEmpty()) {
            collectGarbage(finishedInputs);
        }
        if (lastReports != null
                && engine.state().tasks().stream().noneMatch(t -> t.state() == TaskState.READY_TO_REPORT)) {
            lastReports.complete(acknowledged);
            lastReports = null;
        }
        tick.run();
    }

    /**
     * Marks the reports the server acknowledged as reported and drops their outputs; how many. Adds the inputs of
     * those tasks to {@code finishedInputs}.
     */
    private int acknowledge(SchedulerRequest request, SchedulerReply reply, Set<String> finishedInputs) {
        Set<Long> reported = request.reports().stream().map(ResultReport::resultId).collect(Collectors.toSet());
        int acknowledged = 0;
        for (long id : reply.acknowledged()) {
            if (!reported.contains(id)) {
                continue;
            }
            Set<String> inputs = inputsOf(id); // before the update, which may prune the finished task
            if (engine.updateIf(id, TaskState.READY_TO_REPORT, r -> r.moveTo(TaskState.REPORTED))) {
                acknowledged++;
                finishedInputs.addAll(inputs);
                engine.deleteOutput(id);
            }
        }
        if (acknowledged > 0) {
            engine.log("reported " + acknowledged + " results");
        }
        return acknowledged;
    }

    /**
     * Takes the assignments signed with the pinned key: all of them when one signature covers them together and it
     * verifies, none when it does not; else each one whose own signature verifies.
     */
    private void take(SchedulerReply reply, Instant now) {
        Duration serverAhead = reply.serverTime() == null ? Duration.ZERO : Duration.between(now, reply.serverTime());
        boolean together = reply.assignmentsSignature() != null;
        if (together && !attach.acceptable(reply.assignments(), reply.assignmentsSignature())) {
            return;
        }
        for (Assignment a : reply.assignments()) {
            if (!together && !attach.acceptable(a)) {
                continue;
            }
            engine.update(st -> st.withTask(TaskRecord.received(a, now, serverAhead)));
            if (a.estimatedSeconds() > 0) {
                taskSeconds = a.estimatedSeconds();
            }
        }
        if (!reply.assignments().isEmpty()) {
            engine.log("got " + reply.assignments().size() + " tasks");
        }
    }

    private void requestFailed(SchedulerRequest request, Throwable error) {
        inFlight = false;
        resync = true; // the server may have sent work in a reply that never arrived
        if (lastReports != null) {
            lastReports.completeExceptionally(error); // detaching: no retries, the deadlines take over
            lastReports = null;
        }
        Duration d = failures.failed(error);
        if (error instanceof ApiException api && (api.status() == 401 || api.status() == 404)
                && failures.failures() <= 3) {
            // the server lost our account or host (e.g. its database was reset): attach or register again
            backoffUntil = engine.clock().instant().plus(d);
            if (api.status() == 401) {
                engine.log("server no longer knows this client's authenticator; attaching again");
                attach.attach(); // keeps the attachment (and its host) until the new log-in replaces the authenticator
            } else {
                engine.log("server does not know host " + request.hostId() + "; registering again");
                attach.register();
            }
            return;
        }
        if (error instanceof ApiException api && !api.isRetryable()) {
            if (api.status() == 400 && !request.reports().isEmpty() && ++refusedReports >= 3) {
                engine.log("dropping " + request.reports().size() + " results the server keeps refusing: "
                        + api.getMessage());
                request.reports().forEach(r -> engine.updateIf(r.resultId(), TaskState.READY_TO_REPORT,
                        t -> t.moveTo(TaskState.ABORTED)));
                refusedReports = 0;
            }
        }
        backoffUntil = engine.clock().instant().plus(d);
        engine.logRetry(d, Failures.describe(error));
        tick.run();
    }

    private Set<String> inputsOf(long resultId) {
        return engine.state().task(resultId).map(t -> t.assignment().inputs().stream().map(InputRef::sha256)
                .collect(Collectors.toSet())).orElse(Set.of());
    }

    /**
     * Deletes the cached inputs of finished tasks that no queued task needs. The first time in a run it sweeps the
     * whole cache instead, for files an earlier run left (a crash, tasks dropped without a report).
     */
    private void collectGarbage(Set<String> finishedInputs) {
        Set<String> keep = new HashSet<>();
        engine.state().tasks().stream().filter(t -> t.state().isQueued())
                .forEach(t -> t.assignment().inputs().forEach(in -> keep.add(in.sha256())));
        try {
            if (cacheSwept) {
                cache.delete(finishedInputs, keep);
            } else {
                cache.retainOnly(keep);
                cacheSwept = true;
            }
        } catch (IOException e) {
            engine.events().add("client", "cache clean-up failed: " + e.getMessage());
        }
    }
}

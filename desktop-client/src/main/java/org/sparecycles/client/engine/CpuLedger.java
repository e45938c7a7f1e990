package org.sparecycles.client.engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.sparecycles.client.state.AtomicFiles;
import org.sparecycles.client.worker.ProcessCpu;
import org.sparecycles.client.worker.WorkerOutcome;
import org.sparecycles.workunits.json.Json;

/**
 * Where this client's CPU went since it started: the client process itself, and its worker processes split into
 * the app's computation and the rest. Written as {@code cpu.json} in the data directory when the engine stops, and
 * whenever its last worker has gone after computing (see {@code docs/client.md}); the server's {@code efficiency}
 * benchmark reads it. Engine thread only.
 */
final class CpuLedger {
    static final String FILE = "cpu.json";
    /** CPU of the engine's I/O threads that have ended (an idle one ends after 30 s), which /proc no longer lists. */
    private static final LongAdder ENDED_ENGINE_NANOS = new LongAdder();

    private Optional<ProcessCpu.Times> atFirstWorker = Optional.empty();
    private double clientAtRegistered = -1;
    private int workersStarted;
    private int tasksMeasured;
    private double appSeconds;
    private double workerStartSeconds;
    private double checkpointSeconds;
    /** Whether a worker has started or a task been measured since {@link #write} last ran. */
    private boolean changedSinceWritten;

    /**
     * What {@code cpu.json} holds, in CPU seconds. Children figures are null where the OS does not tell them (not
     * Linux).
     *
     * @param clientSeconds             the client process itself (every thread, its JVM start included)
     * @param clientUntilRegistered     of which until the host was registered, or found registered in the saved
     *                                  state: JVM start, attach, host benchmark; once per attachment or start
     * @param otherChildrenSeconds      processes the client ran before its first worker (none expected), counted
     *                                  as the client's
     * @param workerProcessesSeconds    every worker process that ended, whole (JVM start to exit)
     * @param workersStarted            worker processes started (one serves its slot's tasks one after another)
     * @param tasksMeasured             tasks whose worker reported where its CPU went
     * @param appSeconds                of the workers: inside the app's computation
     * @param workerStartSeconds        of the workers: JVM start, or the next task handed to a waiting worker, until
     *                                  the app started
     * @param checkpointSeconds         of the workers: writing checkpoints and progress while the app ran; the
     *                                  rest of the whole is after the app (writing the output, JVM exit) and
     *                                  workers stopped before they finished
     * @param clientThreads             {@code clientSeconds} by the role of the threads that spent it (see
     *                                  {@link #byRole}); null where the OS does not tell (not Linux)
     */
    record Report(double clientSeconds, double clientUntilRegistered, Double otherChildrenSeconds,
                  Double workerProcessesSeconds, int workersStarted, int tasksMeasured, double appSeconds,
                  double workerStartSeconds, double checkpointSeconds, Map<String, Double> clientThreads) {
    }

    /** The host is registered: the client's start-up is over. */
    void registered() {
        if (clientAtRegistered < 0) {
            clientAtRegistered = clientSeconds();
        }
    }

    void workerStarting() {
        changedSinceWritten = true;
        if (workersStarted++ == 0) {
            atFirstWorker = ProcessCpu.current();
        }
    }

    void computed(WorkerOutcome outcome) {
        WorkerOutcome.AppCpu cpu = outcome.appCpu();
        if (cpu == null) {
            return;
        }
        tasksMeasured++;
        changedSinceWritten = true;
        appSeconds += cpu.appSeconds();
        workerStartSeconds += cpu.atStart();
        checkpointSeconds += cpu.checkpointSeconds();
    }

    Report report() {
        Optional<ProcessCpu.Times> now = ProcessCpu.current();
        Double other = atFirstWorker.map(ProcessCpu.Times::childrenSeconds)
                .or(() -> workersStarted == 0 ? now.map(ProcessCpu.Times::childrenSeconds) : Optional.empty())
                .orElse(null);
        Double workers = now.map(t -> t.childrenSeconds() - (other == null ? 0 : other)).orElse(null);
        double client = clientSeconds();
        List<ProcessCpu.ThreadTimes> threads = ProcessCpu.threads();
        return new Report(client, clientAtRegistered, other, workers, workersStarted, tasksMeasured,
                appSeconds, workerStartSeconds, checkpointSeconds,
                threads.isEmpty() ? null : byRole(threads, client, endedEngineSeconds()));
    }

    /** CPU seconds of the engine threads that have ended so far in this process. */
    static double endedEngineSeconds() {
        return ENDED_ENGINE_NANOS.sum() / 1e9;
    }

    /** Wraps an engine thread's work so that the thread's CPU is counted as the engine's when it ends. */
    static Runnable countedWhenEnded(Runnable work) {
        return () -> {
            try {
                work.run();
            } finally {
                long nanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                if (nanos > 0) {
                    ENDED_ENGINE_NANOS.add(nanos);
                }
            }
        };
    }

    /**
     * A process's CPU seconds by what its threads do, from the names Linux keeps (15 characters): {@code engine}
     * (the engine loop and its I/O threads: scheduler requests, downloads with their hashing, uploads, state saving,
     * the host benchmark; HTTP's socket I/O is done on these threads), {@code jitCompilers} (HotSpot's C1 and C2), {@code garbageCollector}, {@code main} (the launcher's threads: JVM start, command
     * line, start-up), {@code otherOwn} (other threads of ours: idle policy, shutdown), {@code otherJvm}, and
     * {@code ended}: other threads no longer alive (the process's seconds less the live threads' and
     * {@code endedEngineSeconds}). Thread times are read a moment after
     * the process's, so the parts may add up to a few hundredths more than it; {@code ended} is then 0.
     *
     * @param endedEngineSeconds CPU of engine threads that have ended, which they counted themselves
     */
    static Map<String, Double> byRole(List<ProcessCpu.ThreadTimes> threads, double processSeconds,
                                      double endedEngineSeconds) {
        Map<String, Double> roles = new LinkedHashMap<>();
        for (String role : List.of("engine", "jitCompilers", "garbageCollector", "main", "otherOwn",
                "otherJvm", "ended")) {
            roles.put(role, 0.0);
        }
        double live = 0;
        for (ProcessCpu.ThreadTimes t : threads) {
            roles.merge(role(t.name()), t.seconds(), Double::sum);
            live += t.seconds();
        }
        roles.merge("engine", endedEngineSeconds, Double::sum);
        roles.put("ended", Math.max(0, processSeconds - live - endedEngineSeconds));
        return roles;
    }

    private static String role(String name) {
        if (name.startsWith("sparecycles-eng")) {
            return "engine";
        } else if (name.startsWith("sparecycles-")) {
            return "otherOwn";
        } else if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            return "jitCompilers";
        } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            return "garbageCollector";
        } else if (name.equals("java")) {
            return "main";
        }
        return "otherJvm";
    }

    /** Whether a worker has started or a task been measured since {@link #write} last ran. */
    boolean changedSinceWritten() {
        return changedSinceWritten;
    }

    void write(Path dataDir) throws IOException {
        AtomicFiles.write(dataDir.resolve(FILE), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(report()));
        changedSinceWritten = false;
    }

    private static double clientSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return ProcessCpu.current().map(ProcessCpu.Times::selfSeconds).orElse(-1.0);
    }
}

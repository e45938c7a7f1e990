package org.sparecycles.client.engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Optional;
import org.sparecycles.client.state.AtomicFiles;
import org.sparecycles.client.worker.ProcessCpu;
import org.sparecycles.client.worker.WorkerOutcome;
import org.sparecycles.workunits.json.Json;

/**
 * Where this client's CPU went since it started: the client process itself, and its worker processes split into
 * the app's computation and the rest. Written as {@code cpu.json} in the data directory when the engine stops
 * (see {@code docs/client.md}); the server's {@code efficiency} benchmark reads it. Engine thread only.
 */
final class CpuLedger {
    static final String FILE = "cpu.json";

    private Optional<ProcessCpu.Times> atFirstWorker = Optional.empty();
    private double clientAtRegistered = -1;
    private int workersStarted;
    private int tasksMeasured;
    private double appSeconds;
    private double workerStartSeconds;
    private double checkpointSeconds;

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
     * @param workersStarted            worker processes started
     * @param tasksMeasured             tasks whose worker reported where its CPU went
     * @param appSeconds                of the workers: inside the app's computation
     * @param workerStartSeconds        of the workers: JVM start until the app started
     * @param checkpointSeconds         of the workers: writing checkpoints and progress while the app ran; the
     *                                  rest of the whole is after the app (writing the output, JVM exit) and
     *                                  workers stopped before they finished
     */
    record Report(double clientSeconds, double clientUntilRegistered, Double otherChildrenSeconds,
                  Double workerProcessesSeconds, int workersStarted, int tasksMeasured, double appSeconds,
                  double workerStartSeconds, double checkpointSeconds) {
    }

    /** The host is registered: the client's start-up is over. */
    void registered() {
        if (clientAtRegistered < 0) {
            clientAtRegistered = clientSeconds();
        }
    }

    void workerStarting() {
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
        return new Report(clientSeconds(), clientAtRegistered, other, workers, workersStarted, tasksMeasured,
                appSeconds, workerStartSeconds, checkpointSeconds);
    }

    void write(Path dataDir) throws IOException {
        AtomicFiles.write(dataDir.resolve(FILE), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(report()));
    }

    private static double clientSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return ProcessCpu.current().map(ProcessCpu.Times::selfSeconds).orElse(-1.0);
    }
}

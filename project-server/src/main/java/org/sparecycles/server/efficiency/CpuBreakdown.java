package org.sparecycles.server.efficiency;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Volunteer CPU summed over the clients' {@code cpu.json} files (written by each client as it stops; see
 * docs/client.md), split into the app's computation and everything else. All figures in CPU seconds.
 *
 * @param app             worker processes inside the app's computation
 * @param workerStart     worker processes from JVM start until the app started
 * @param workerEnd       worker processes after the app until exit (and workers stopped before finishing)
 * @param checkpoints     worker processes writing checkpoints and progress while the app ran
 * @param client          the client processes themselves: scheduling, downloads, uploads, hashing, state saving
 * @param clientStartUp   of {@code client}: until each client had its host registered (JVM start, attach, host
 *                        benchmark), once per attachment
 * @param workers         worker processes started
 * @param tasks           tasks whose worker reported its split
 * @param clientThreads   {@code client} by the role of the threads that spent it (docs/client.md, {@code cpu.json}),
 *                        summed over the clients; empty when a client did not tell
 */
record CpuBreakdown(double app, double workerStart, double workerEnd, double checkpoints, double client,
                    double clientStartUp, int workers, int tasks, Map<String, Double> clientThreads) {
    /** How the table names the roles of {@code cpu.json}'s {@code clientThreads}, in its order. */
    private static final Map<String, String> ROLES = roles();

    private static Map<String, String> roles() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("engine", "engine (requests, downloads and hashing, uploads, their socket I/O)");
        m.put("jitCompilers", "JIT compiler threads (C1, C2)");
        m.put("garbageCollector", "garbage collector threads");
        m.put("main", "launcher threads (JVM start, command line)");
        m.put("otherOwn", "other client threads (idle policy)");
        m.put("otherJvm", "other JVM threads");
        m.put("ended", "threads that had ended");
        return m;
    }

    /** @throws IllegalArgumentException when a file lacks the worker processes' CPU (the client was not on Linux) */
    static CpuBreakdown of(List<JsonNode> reports) {
        double app = 0, start = 0, end = 0, checkpoints = 0, client = 0, startUp = 0;
        int workers = 0, tasks = 0;
        Map<String, Double> threads = new LinkedHashMap<>();
        boolean everyClientTold = true;
        for (JsonNode r : reports) {
            JsonNode whole = r.get("workerProcessesSeconds");
            if (whole == null || whole.isNull()) {
                throw new IllegalArgumentException("a client could not tell its worker processes' CPU"
                        + " (/proc/self/stat is read on Linux only)");
            }
            double a = r.get("appSeconds").asDouble();
            double s = r.get("workerStartSeconds").asDouble();
            double c = r.get("checkpointSeconds").asDouble();
            app += a;
            start += s;
            checkpoints += c;
            end += whole.asDouble() - a - s - c;
            client += r.get("clientSeconds").asDouble() + r.path("otherChildrenSeconds").asDouble(0);
            startUp += Math.max(0, r.get("clientUntilRegistered").asDouble());
            workers += r.get("workersStarted").asInt();
            tasks += r.get("tasksMeasured").asInt();
            JsonNode roles = r.path("clientThreads");
            everyClientTold &= roles.isObject();
            roles.fields().forEachRemaining(e -> threads.merge(e.getKey(), e.getValue().asDouble(), Double::sum));
        }
        return new CpuBreakdown(app, start, end, checkpoints, client, startUp, workers, tasks,
                everyClientTold ? threads : Map.of());
    }

    /**
     * What was spent after {@code before}, a breakdown of the same clients read earlier in their run (their
     * {@code cpu.json} as written while they ran): every figure less its value then.
     */
    CpuBreakdown since(CpuBreakdown before) {
        Map<String, Double> threads = new LinkedHashMap<>();
        if (!before.clientThreads.isEmpty()) {
            clientThreads.forEach((role, seconds) -> threads.put(role,
                    seconds - before.clientThreads.getOrDefault(role, 0.0)));
        }
        return new CpuBreakdown(app - before.app, workerStart - before.workerStart, workerEnd - before.workerEnd,
                checkpoints - before.checkpoints, client - before.client, clientStartUp - before.clientStartUp,
                workers - before.workers, tasks - before.tasks, threads);
    }

    double total() {
        return app + workerStart + workerEnd + checkpoints + client;
    }

    double outside() {
        return total() - app;
    }

    double outsideShare() {
        return total() <= 0 ? 0 : outside() / total();
    }

    /** The table, its threads' part saying what they span: "whole run, start-up included", say. */
    String table(String threadsSpan) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-58s %10s %8s%n", "volunteer CPU", "seconds", "share"));
        row(s, "inside the app (worker, app computing)", app);
        row(s, "worker start (JVM start or next task, to app start)", workerStart);
        row(s, "worker end (app done to next task or exit)", workerEnd);
        row(s, "worker checkpoints and progress files", checkpoints);
        row(s, "client process (scheduling, transfers, hashing, state)", client);
        s.append(String.format(Locale.ROOT, "%-58s %10.3f%n", "  of which start-up (JVM, attach, host benchmark)", clientStartUp));
        if (!clientThreads.isEmpty()) {
            s.append("  by thread (").append(threadsSpan).append("):\n");
            ROLES.forEach((role, label) -> s.append(String.format(Locale.ROOT, "    %-54s %10.3f%n", label,
                    clientThreads.getOrDefault(role, 0.0))));
        }
        row(s, "total", total());
        row(s, "outside the app", outside());
        if (tasks > 0) {
            s.append(String.format(Locale.ROOT, "per task (%d tasks, %d workers): app %.2f s, worker start %.3f s,"
                    + " worker end %.3f s, checkpoints %.3f s, client %.3f s%n", tasks, workers, app / tasks,
                    workerStart / tasks, workerEnd / tasks, checkpoints / tasks, client / tasks));
        }
        return s.toString();
    }

    /** The closing line: {@code outside_app_share=<x.xx%> app_cpu_s=<n> worker_start_cpu_s=<n> ...}. */
    String figuresLine() {
        return String.format(Locale.ROOT, "outside_app_share=%.2f%% app_cpu_s=%.2f worker_start_cpu_s=%.2f"
                + " checkpoint_cpu_s=%.2f client_cpu_s=%.2f", 100 * outsideShare(), app, workerStart + workerEnd,
                checkpoints, client);
    }

    private void row(StringBuilder s, String label, double seconds) {
        s.append(String.format(Locale.ROOT, "%-58s %10.3f %7.2f%%%n", label, seconds,
                total() <= 0 ? 0 : 100 * seconds / total()));
    }
}

package org.sparecycles.server.loadtest;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sparecycles.server.cli.CommandSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadtest}: a server on embedded H2 under many simulated hosts over real HTTP; ends with
 * {@code results_per_s=<n> p99_ms=<n>}. See docs/benchmarks.md.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = {"Start a server on embedded H2 and drive it with simulated hosts over real HTTP through the",
                "whole result lifecycle; report results per second, scheduler latency and errors."})
public final class LoadTestCommand implements Callable<Integer> {
    @Option(names = "--duration", defaultValue = "30", description = "seconds measured (default: ${DEFAULT-VALUE})")
    double duration;

    @Option(names = "--warmup", defaultValue = "" + LoadTest.AUTO_WARMUP, description = "seconds run before measuring (default: until the"
            + " JIT compilers have settled, 30 to 180 s)")
    double warmup;

    @Option(names = "--hosts", defaultValue = "200", description = "simulated hosts, one account each (default: ${DEFAULT-VALUE})")
    int hosts;

    @Option(names = "--threads", defaultValue = "16", description = "load-generator threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--rate", defaultValue = "0", description = "scheduler requests per second over all threads, with"
            + " latency measured from each request's planned start; 0: each host asks again as soon as it has"
            + " answered (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--data-dir", description = "server data directory (default: a temporary one, deleted afterwards)")
    Path dataDir;

    /**
     * Work units a second the default supply is made for: half as much again as the fixed 1,000 requests a second
     * of one result each that the latency goal is measured at (500 work units a second), so that such a run does not
     * outlast its work (at exactly 500, runs ran dry near the end of the window). At full load (1,100 to 1,600 work
     * units a second on the 2-core machine of docs/benchmarks.md) the load generator's feed thread adds batches as
     * the hosts take them (WorkSupply#feed), as far as its one thread can with both cores busy: beyond what the
     * server carries it falls behind, and such runs want a {@code --work-units} of their own.
     */
    private static final int SUPPLIED_WORK_UNITS_PER_SECOND = 750;
    /** {@code --work-units} not given: as many as {@link #SUPPLIED_WORK_UNITS_PER_SECOND} make for the run. */
    private static final int SIZED_FOR_THE_RUN = -1;

    @Option(names = "--work-units", defaultValue = "" + SIZED_FOR_THE_RUN, description = "work units submitted before the run; more"
            + " are added while it runs (default: 750 for each second of warm-up, at most 180, and measuring; at"
            + " least 20000)")
    int workUnits;

    @Option(names = "--batch-size", defaultValue = "2000", description = "work units per submitted batch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--results-per-request", defaultValue = "4",
            description = "results a host asks for in one scheduler request (default: ${DEFAULT-VALUE})")
    int resultsPerRequest;

    @Option(names = "--deadline-seconds", defaultValue = "20",
            description = "delay bound of the work units; late results arrive after it (default: ${DEFAULT-VALUE})")
    long deadlineSeconds;

    @Option(names = "--wrong", defaultValue = "0", description = "share of results answered wrongly, 0..1")
    double wrong;

    @Option(names = "--failed", defaultValue = "0", description = "share of results reported as client errors, 0..1")
    double failed;

    @Option(names = "--late", defaultValue = "0", description = "share of results reported after their deadline, 0..1")
    double late;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "run on this database (it should be empty) instead of a new embedded H2: PostgreSQL, or"
                    + " an H2 URL for experiments (docs/benchmarks.md runs one held in memory)")
    String db;

    @Option(names = "--nodes", defaultValue = "1",
            description = "server nodes sharing the database, hosts spread over them; more than 1 needs --db"
                    + " (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--history-work-units", defaultValue = "0",
            description = "done work units (two valid results each) written into the database before the run, to"
                    + " measure how throughput holds up as the database grows (default: ${DEFAULT-VALUE})")
    int historyWorkUnits;

    @Option(names = "--history-hosts", defaultValue = "0",
            description = "past accounts with a host each written before the run; the history's results are spread"
                    + " over them (default: ${DEFAULT-VALUE}; at least 1 when --history-work-units is set)")
    int historyHosts;

    @Option(names = "--adaptive-replication", description = "let hosts become trusted, so that most work units are"
            + " sent once (the server's default trust policy); without it every work unit gets its 2 replicas and a"
            + " quorum of 2, as issue 6's goals are stated")
    boolean adaptiveReplication;

    @Option(names = "--skip-baselines",
            description = "do not measure the trivial Undertow endpoint and the H2 insert loop afterwards")
    boolean skipBaselines;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        boolean autoWarmup = warmup == LoadTest.AUTO_WARMUP;
        if (workUnits == SIZED_FOR_THE_RUN) {
            double running = (autoWarmup ? LoadTest.AUTO_WARMUP_MAX_SECONDS : warmup) + duration;
            workUnits = (int) Math.min(Integer.MAX_VALUE / 2, Math.max(20_000,
                    Math.ceil(running * SUPPLIED_WORK_UNITS_PER_SECOND)));
        }
        if (hosts < 2 || threads < 1 || duration <= 0 || (warmup < 0 && !autoWarmup) || workUnits < 1
                || batchSize < 1 || resultsPerRequest < 1 || deadlineSeconds < 1 || nodes < 1
                || (nodes > 1 && db == null)
                || historyWorkUnits < 0 || historyHosts < 0 || (historyWorkUnits > 0 && historyHosts < 1)
                || !(rate >= 0) || Double.isInfinite(rate)) {
            System.err.println("loadtest: need --hosts >= 2, --threads >= 1, --duration > 0, --warmup >= 0 and"
                    + " positive --work-units, --batch-size, --results-per-request, --deadline-seconds, --nodes;"
                    + " several --nodes share one database, so they need --db; --history-work-units needs"
                    + " --history-hosts >= 1; --rate >= 0");
            return 2;
        }
        LoadShares shares;
        try {
            shares = new LoadShares(wrong, failed, late);
        } catch (IllegalArgumentException e) {
            System.err.println("loadtest: " + e.getMessage());
            return 2;
        }
        boolean temporary = dataDir == null;
        Path dir = temporary ? Files.createTempDirectory("sparecycles-loadtest") : dataDir;
        try {
            LoadTest.Report r = new LoadTest(new LoadTest.Settings(dir.resolve("server"), hosts, threads, duration,
                    warmup, workUnits, batchSize, resultsPerRequest, deadlineSeconds, shares, db, nodes, historyWorkUnits,
                    historyHosts, rate, adaptiveReplication), out).run();
            out.println();
            out.printf(Locale.ROOT, "measured %.1f s: %,d results validated and assimilated (%.0f/s), %,d dispatched,"
                            + " %,d reported, %,d scheduler requests (%.0f/s), %d errors%n", r.seconds(), r.completed(),
                    r.resultsPerSecond(), r.dispatched(), r.reported(), r.schedulerRequests(),
                    r.schedulerRequests() / r.seconds(), r.errors());
            if (r.schedulerRequests() > 0) {
                out.printf(Locale.ROOT, "results per scheduler request: %.2f dispatched; %,d requests (%.1f%%)"
                                + " asked for work and got none%n", (double) r.dispatched() / r.schedulerRequests(),
                        r.worklessRequests(), 100.0 * r.worklessRequests() / r.schedulerRequests());
            }
            int cores = Runtime.getRuntime().availableProcessors();
            out.printf(Locale.ROOT, "CPU per result: %.2f ms (this process: server and load generator; %.0f%% of %d"
                            + " cores)%n", r.cpuMillisPerResult(), 100 * r.processCpuSeconds() / r.seconds() / cores,
                    cores);
            if (r.loadCpuMillisPerResult() >= 0) {
                out.printf(Locale.ROOT, "  of which the load generator's threads %.2f ms (%.0f%% of %d cores), the"
                                + " server and the JVM's own threads %.2f ms%n", r.loadCpuMillisPerResult(),
                        100 * r.loadCpuSeconds() / r.seconds() / cores, cores,
                        r.cpuMillisPerResult() - r.loadCpuMillisPerResult());
            }
            if (r.bytesWritten() >= 0 && r.completed() > 0) {
                out.printf(Locale.ROOT, "written to storage: %.1f MB/s, %.1f KB per result%n",
                        r.bytesWritten() / r.seconds() / 1e6, r.bytesWritten() / 1e3 / r.completed());
            }
            if (r.databaseWrites() > 0) {
                out.printf(Locale.ROOT, "group commit: %.0f database writes/s, %.1f waits for durability per write,"
                                + " %.1f ms per write (%.0f%% of the time writing)%n",
                        r.databaseWrites() / r.seconds(), (double) r.durableWaits() / r.databaseWrites(),
                        r.databaseWriteNanos() / 1e6 / r.databaseWrites(), r.databaseWriteNanos() / 1e7 / r.seconds());
            }
            if (r.journalEntries() > 0) {
                out.printf(Locale.ROOT, "scheduler journal: %.0f entries/s, %.0f bytes per entry%n",
                        r.journalEntries() / r.seconds(), (double) r.journalBytes() / r.journalEntries());
            }
            out.printf(Locale.ROOT, "scheduler latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                    r.schedulerLatency().getValueAtPercentile(50) / 1000.0,
                    r.schedulerLatency().getValueAtPercentile(90) / 1000.0, r.p99Millis(),
                    r.schedulerLatency().getValueAtPercentile(99.9) / 1000.0, r.schedulerLatency().getMaxValue() / 1000.0);
            Pacing.shortfall(rate, r.schedulerRequests() / r.seconds(), threads).ifPresent(out::println);
            r.backlogWorkedOff().ifPresent(out::println);
            out.printf(Locale.ROOT, "whole run: %,d work units done; results %,d valid, %,d invalid, %,d inconclusive,"
                            + " %,d client errors, %,d no reply%n", r.workUnitsDone(), r.validResults(),
                    r.invalidResults(), r.inconclusiveResults(), r.errorResults(), r.noReplyResults());
            r.errorSamples().forEach(e -> out.println("error: " + e));
            if (!skipBaselines) {
                Baselines.HttpFigure http = Baselines.trivialEndpoint(threads, 5);
                double inserts = Baselines.h2InsertLoop(dir.resolve("baseline-h2"), 5);
                out.printf(Locale.ROOT, "baselines: trivial Undertow JSON endpoint %.0f requests/s (p99 %.2f ms);"
                        + " H2 insert loop %.0f rows/s%n", http.requestsPerSecond(), http.p99Millis(), inserts);
                out.printf(Locale.ROOT, "ratios: results/s to trivial requests/s %.3f; scheduler requests/s to trivial"
                                + " requests/s %.3f; results/s to H2 inserts/s %.3f%n",
                        r.resultsPerSecond() / http.requestsPerSecond(),
                        r.schedulerRequests() / r.seconds() / http.requestsPerSecond(), r.resultsPerSecond() / inserts);
            }
            out.printf(Locale.ROOT, "results_per_s=%.0f p99_ms=%.1f%n", r.resultsPerSecond(), r.p99Millis());
            return r.errors() == 0 ? 0 : 1;
        } finally {
            if (temporary) {
                CommandSupport.deleteTree(dir);
            }
        }
    }
}

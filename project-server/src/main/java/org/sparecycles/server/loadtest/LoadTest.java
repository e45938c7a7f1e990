package org.sparecycles.server.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.sparecycles.server.cli.CommandSupport;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.db.GroupCommit;
import org.sparecycles.server.scheduler.SchedulerJournal;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.server.trust.TrustPolicy;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;

/**
 * The load test: a server on embedded H2 and many simulated hosts driving it over real HTTP through the whole
 * result lifecycle (dispatch, upload, report, validation, assimilation). See docs/benchmarks.md.
 */
final class LoadTest {
    /** What to run. */
    record Settings(Path dataDir, int hosts, int threads, double durationSeconds, double warmupSeconds,
                    int workUnits, int batchSize, int resultsPerRequest, long deadlineSeconds, LoadShares shares,
                    String dbUrl, int nodes, int historyWorkUnits, int historyHosts, double rate,
                    boolean adaptiveReplication) {
        /** True when {@code warmupSeconds} is {@link #AUTO_WARMUP}: warm up until the JIT compilers settle. */
        boolean warmsUpUntilJitSettles() {
            return warmupSeconds == AUTO_WARMUP;
        }
    }

    /** The figures of one run. */
    record Report(double seconds, long completed, long dispatched, long reported, long schedulerRequests,
                  long worklessRequests, long errors, List<String> errorSamples, Histogram schedulerLatency,
                  long workUnitsDone, long validResults, long invalidResults, long inconclusiveResults,
                  long errorResults, long noReplyResults, double processCpuSeconds, double loadCpuSeconds,
                  long databaseWrites, long durableWaits, long databaseWriteNanos, long bytesWritten,
                  long journalEntries, long journalBytes) {
        double resultsPerSecond() {
            return completed / seconds;
        }

        /**
         * CPU time of this process (server and load generator together) per completed result: steadier than
         * results/s on a machine shared with other work.
         */
        double cpuMillisPerResult() {
            return completed == 0 ? 0 : processCpuSeconds * 1000 / completed;
        }

        /**
         * Of {@link #cpuMillisPerResult()}, what the load generator's own threads took (their calls, with the
         * kernel's work for their sockets, and making the requests and outputs); the rest is the server's, with the
         * garbage collector's and the JIT compilers' work for both. -1 where the JVM cannot measure thread CPU.
         */
        double loadCpuMillisPerResult() {
            return completed == 0 || loadCpuSeconds < 0 ? -1 : loadCpuSeconds * 1000 / completed;
        }

        double p99Millis() {
            return schedulerLatency.getValueAtPercentile(99) / 1000.0;
        }

        /**
         * A warning when clearly more results were validated and assimilated in the window than were reported in it:
         * the background passes, which yield the processors to scheduler requests, were then working off results
         * reported before the window, and results/s and the CPU per result flatter the steady state.
         */
        Optional<String> backlogWorkedOff() {
            return backlogWorkedOff(completed, reported, seconds);
        }

        static Optional<String> backlogWorkedOff(long completed, long reported, double seconds) {
            if (completed <= reported * 1.05) {
                return Optional.empty();
            }
            return Optional.of(String.format(Locale.ROOT, "warning: %,d results validated and assimilated against %,d"
                    + " reported in the window: the background passes worked off results reported before it, so"
                    + " results/s overstates the steady rate, which is at most the reported %.0f/s; try a longer"
                    + " --warmup or --duration", completed, reported, reported / seconds));
        }
    }

    private final Settings settings;
    private final PrintStream console;
    /** The warm-up that lasts until the JIT compilers settle, as {@link Settings#warmupSeconds}. */
    static final double AUTO_WARMUP = -1;
    static final double AUTO_WARMUP_MIN_SECONDS = 30;
    static final double AUTO_WARMUP_MAX_SECONDS = 180;

    private final LongAdder dispatched = new LongAdder();
    private final LongAdder reported = new LongAdder();
    private final LongAdder requests = new LongAdder();
    /** Scheduler requests that asked for work and got none. */
    private final LongAdder workless = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final List<String> errorSamples = new ArrayList<>();

    LoadTest(Settings settings, PrintStream console) {
        this.settings = settings;
        this.console = console;
    }

    Report run() throws Exception {
        List<ProjectServer> servers = new ArrayList<>();
        try {
            for (int n = 0; n < settings.nodes(); n++) {
                servers.add(ProjectServer.start(ServerConfig.builder().port(0).dataDir(settings.dataDir())
                        .dbUrl(settings.dbUrl()).backgroundIntervalSeconds(1).schedulerRequestDelaySeconds(0)
                        .schedulerIdleDelaySeconds(1)
                        // quotas off: the simulated hosts fail at random, and halving quotas would soon starve them
                        .dailyQuota(0, 0)
                        // replication 2 and quorum 2 for every work unit unless asked: a trusted host's work units
                        // are otherwise sent once (docs/trust.md)
                        .trustedAfter(settings.adaptiveReplication() ? TrustPolicy.DEFAULT.trustedAfter() : 0)
                        .build()));
            }
            ProjectServer server = servers.get(0);
            long researcher = server.accounts().create("researcher@loadtest.local", "load-test-researcher",
                    "Load test", Set.of(Role.RESEARCHER));
            long project = server.projects().create(researcher, "Load test", "Simulated work for the load test").id();
            if (settings.historyWorkUnits() > 0) {
                History.preload(server.dataSource(), researcher, project, settings.historyWorkUnits(),
                        settings.historyHosts(), console);
            }
            RunCounts counts = new RunCounts(server.dataSource()); // the history left out
            WorkSupply work = new WorkSupply(server, researcher, project, settings.batchSize(),
                    settings.deadlineSeconds());
            long t0 = System.nanoTime();
            console.printf("setting up: %d work units (%d results; %s), %d hosts...%n", settings.workUnits(),
                    settings.workUnits() * 2L, settings.adaptiveReplication()
                            ? "adaptive replication: trusted hosts' work units sent once"
                            : "replication 2, quorum 2", settings.hosts());
            work.submit(settings.workUnits());
            List<SimulatedHost> hosts = SimulatedHosts.register(servers, settings.hosts(), settings.threads());
            String warmup = settings.warmsUpUntilJitSettles()
                    ? String.format(Locale.ROOT, "after a warm-up until the JIT compilers settle (%.0f to %.0f s)",
                    AUTO_WARMUP_MIN_SECONDS, AUTO_WARMUP_MAX_SECONDS)
                    : String.format(Locale.ROOT, "after %.0f s of warm-up", settings.warmupSeconds());
            console.printf("set up in %.1f s; measuring %.0f s %s, with %d threads on %d node(s)%n",
                    (System.nanoTime() - t0) / 1e9, settings.durationSeconds(), warmup, settings.threads(),
                    servers.size());
            return drive(server, counts, work, hosts);
        } finally {
            for (int n = servers.size() - 1; n >= 0; n--) {
                servers.get(n).close();
            }
        }
    }

    private Report drive(ProjectServer server, RunCounts counts, WorkSupply work, List<SimulatedHost> hosts)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Map<Integer, Histogram> latencies = new ConcurrentHashMap<>();
        // the simulated hosts' threads, for their CPU (the work feed's thread is not among them: what it does is the
        // server's work of taking in batches)
        List<Thread> loadThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads() + 1);
        List<Future<?>> running = new ArrayList<>();
        long origin = System.nanoTime(); // the threads' schedules under --rate, offset from each other
        for (int t = 0; t < settings.threads(); t++) {
            int thread = t;
            Histogram histogram = new Histogram(60_000_000L, 3);
            latencies.put(thread, histogram);
            List<SimulatedHost> mine = new ArrayList<>();
            for (int i = thread; i < hosts.size(); i += settings.threads()) {
                mine.add(hosts.get(i));
            }
            running.add(pool.submit(() -> {
                loadThreads.add(Thread.currentThread());
                return hostLoop(mine, thread, origin, histogram, stop);
            }));
        }
        running.add(pool.submit(() -> {
            work.feed(counts, dispatched::sum, stop);
            return null;
        }));
        Progress progress = new Progress(counts, () -> String.format(Locale.ROOT,
                "dispatched %,9d  reported %,9d  requests %,8d  errors %d", dispatched.sum(), reported.sum(),
                requests.sum(), errors.sum()), console);
        warmUp(progress);
        latencies.values().forEach(h -> {
            synchronized (h) {
                h.reset();
            }
        });
        long startCompleted = counts.completed();
        long startDispatched = dispatched.sum();
        long startReported = reported.sum();
        long startRequests = requests.sum();
        long startWorkless = workless.sum();
        long startErrors = errors.sum();
        double startCpu = CommandSupport.processCpuSeconds();
        double startLoadCpu = threadsCpuSeconds(loadThreads);
        GroupCommit.Counts startCommits = server.groupCommits();
        SchedulerJournal.Counts startJournal = server.journalCounts();
        long startBytes = bytesWritten();
        long start = System.nanoTime();
        long end = start + (long) (settings.durationSeconds() * 1e9);
        while (System.nanoTime() < end) {
            progress.tick("measuring", end);
        }
        long completed = counts.completed() - startCompleted;
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = CommandSupport.processCpuSeconds() - startCpu;
        double loadCpu = startLoadCpu < 0 ? -1 : threadsCpuSeconds(loadThreads) - startLoadCpu;
        GroupCommit.Counts commits = server.groupCommits();
        SchedulerJournal.Counts journal = server.journalCounts();
        long bytes = bytesWritten() - startBytes;
        stop.set(true);
        pool.shutdown();
        for (Future<?> f : running) {
            f.get(60, TimeUnit.SECONDS);
        }
        Histogram all = new Histogram(60_000_000L, 3);
        latencies.values().forEach(h -> {
            synchronized (h) {
                all.add(h);
            }
        });
        RunCounts.States states = counts.states();
        synchronized (errorSamples) {
            return new Report(seconds, completed, dispatched.sum() - startDispatched, reported.sum() - startReported,
                    requests.sum() - startRequests, workless.sum() - startWorkless, errors.sum() - startErrors,
                    List.copyOf(errorSamples), all,
                    states.workUnitsDone(), states.valid(), states.invalid(), states.inconclusive(),
                    states.clientErrors(), states.noReply(), cpu, loadCpu,
                    commits.writes() - startCommits.writes(), commits.waits() - startCommits.waits(),
                    commits.writeNanos() - startCommits.writeNanos(), bytes,
                    journal.entries() - startJournal.entries(), journal.bytes() - startJournal.bytes());
        }
    }

    /**
     * Runs the load without measuring: for the seconds asked, or (when negative) until the JIT compilers spent less
     * than a tenth of a core over the last 10 s, at least {@link #AUTO_WARMUP_MIN_SECONDS} and at most
     * {@link #AUTO_WARMUP_MAX_SECONDS} (docs/benchmarks.md, "The JIT compilers in the first minutes").
     */
    private void warmUp(Progress progress) throws Exception {
        long start = System.nanoTime();
        boolean auto = settings.warmsUpUntilJitSettles();
        double limit = auto ? AUTO_WARMUP_MAX_SECONDS : settings.warmupSeconds();
        long end = start + (long) (limit * 1e9);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        JitSettling settling = new JitSettling(10_000_000_000L, 0.10);
        while (System.nanoTime() < end) {
            progress.tick("warm-up", end);
            if (auto && jit != null && jit.isCompilationTimeMonitoringSupported()) {
                long now = System.nanoTime();
                settling.sample(now, jit.getTotalCompilationTime());
                if (now - start >= AUTO_WARMUP_MIN_SECONDS * 1e9 && settling.settled()) {
                    console.printf(Locale.ROOT, "warm-up ended after %.0f s: the JIT compilers used %.0f%% of a core"
                            + " over the last 10 s%n", (now - start) / 1e9, 100 * settling.recentShare());
                    return;
                }
            }
        }
        if (auto) {
            double share = settling.recentShare();
            console.printf(Locale.ROOT, "warm-up ended after %.0f s without the JIT compilers settling (%s)%n",
                    (System.nanoTime() - start) / 1e9, Double.isNaN(share) ? "this JVM does not report its"
                            + " compilation time" : String.format(Locale.ROOT, "%.0f%% of a core over the last 10 s",
                            100 * share));
        }
    }

    /**
     * CPU time of the load generator's threads so far (user and system: with blocking calls, a thread's socket work
     * in the kernel is its own); -1 where the JVM cannot measure thread CPU. Every load thread is started before the
     * measured window (they start at once, the warm-up takes seconds) and runs to its end, so the difference of two
     * readings is the window's.
     */
    private static double threadsCpuSeconds(List<Thread> threads) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isThreadCpuTimeSupported() || !mx.isThreadCpuTimeEnabled()) {
            return -1;
        }
        long nanos = 0;
        for (Thread t : threads) {
            long n = mx.getThreadCpuTime(t.getId());
            nanos += Math.max(0, n); // -1 for a thread that has ended; none has before the window ends
        }
        return nanos / 1e9;
    }

    /** Bytes this process caused to be written to storage ({@code /proc/self/io}, Linux); -1 where unknown. */
    private static long bytesWritten() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("write_bytes:")) {
                    return Long.parseLong(line.substring("write_bytes:".length()).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private Void hostLoop(List<SimulatedHost> hosts, int thread, long origin, Histogram latency,
                          AtomicBoolean stop) {
        double estimate = 1e-9;
        // with --rate, this thread's share of it: requests start on a schedule and latency counts from the planned
        // start, so a server falling behind shows in the figures instead of slowing the load (coordinated omission)
        Pacing pacing = settings.rate() > 0 ? new Pacing(settings.threads(), settings.rate()) : null;
        long sent = 0;
        while (!stop.get()) {
            for (SimulatedHost host : hosts) {
                // the JDK's blocking calls do not end when the thread is interrupted, so the thread looks itself
                if (stop.get() || Thread.currentThread().isInterrupted()) {
                    return null;
                }
                try {
                    long t = System.nanoTime();
                    if (pacing != null) {
                        long planned = pacing.start(origin, thread, sent++);
                        Pacing.awaitStart(planned);
                        t = Math.min(planned, System.nanoTime()); // from the planned start, never before the send
                    }
                    List<ResultReport> reports = host.takeReports(System.nanoTime());
                    // as the desktop client asks: one signature over the reply's assignments
                    SchedulerRequest request = new SchedulerRequest(host.hostId, reports,
                            estimate * settings.resultsPerRequest(), host.inProgress(), List.of(), true);
                    SchedulerReply reply = host.client.schedule(host.authenticator, request);
                    long micros = (System.nanoTime() - t) / 1000;
                    synchronized (latency) {
                        latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
                    }
                    requests.increment();
                    reported.add(reports.size());
                    dispatched.add(reply.assignments().size());
                    if (request.workSeconds() > 0 && reply.assignments().isEmpty()) {
                        workless.increment();
                    }
                    for (Assignment a : reply.assignments()) {
                        estimate = Math.max(1e-9, a.estimatedSeconds());
                        answer(host, a);
                    }
                } catch (IOException e) {
                    failed(e);
                }
            }
        }
        return null;
    }

    private void answer(SimulatedHost host, Assignment a) throws IOException {
        SimulatedHost.Answer answer = host.draw(settings.shares());
        if (answer == SimulatedHost.Answer.ERROR) {
            host.report(new ResultReport(a.resultId(), ResultReport.CLIENT_ERROR, null, 0, 0.01, 0.01,
                    "simulated error"));
            return;
        }
        byte[] output = SimulatedHost.output(a, answer == SimulatedHost.Answer.WRONG);
        host.client.upload(host.authenticator, a.uploadUrl(), output);
        ResultReport report = new ResultReport(a.resultId(), ResultReport.SUCCESS, Sha256.hex(output), output.length,
                0.5, 0.5, null);
        if (answer == SimulatedHost.Answer.LATE) {
            long untilDeadline = java.time.Duration.between(Instant.now(), a.deadline()).toNanos();
            host.reportLate(report, System.nanoTime() + untilDeadline + 1_000_000_000L);
        } else {
            host.report(report);
        }
    }

    private void failed(IOException e) {
        errors.increment();
        synchronized (errorSamples) {
            if (errorSamples.size() < 5) {
                errorSamples.add(e.getMessage());
            }
        }
    }

}

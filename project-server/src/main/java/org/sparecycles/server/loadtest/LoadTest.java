package org.sparecycles.server.loadtest;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.imageio.ImageIO;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;
import org.sparecycles.server.cli.CommandSupport;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.db.GroupCommit;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.server.trust.TrustPolicy;
import org.sparecycles.workunits.app.InputFile;
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
                  long errorResults, long noReplyResults, double processCpuSeconds, long databaseWrites,
                  long durableWaits, long databaseWriteNanos, long bytesWritten) {
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

        double p99Millis() {
            return schedulerLatency.getValueAtPercentile(99) / 1000.0;
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
    private final AtomicLong fileCounter = new AtomicLong();
    /** Ids up to these belong to the preloaded history, which the figures leave out. */
    private long historyResults;
    private long historyWorkUnits;

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
                historyResults = queryLong(server.dataSource(), "SELECT COALESCE(MAX(id), 0) FROM results");
                historyWorkUnits = queryLong(server.dataSource(), "SELECT COALESCE(MAX(id), 0) FROM work_units");
            }
            long t0 = System.nanoTime();
            console.printf("setting up: %d work units (%d results; %s), %d hosts...%n", settings.workUnits(),
                    settings.workUnits() * 2L, settings.adaptiveReplication()
                            ? "adaptive replication: trusted hosts' work units sent once"
                            : "replication 2, quorum 2", settings.hosts());
            submitWork(server, researcher, project, settings.workUnits());
            List<SimulatedHost> hosts = createHosts(servers);
            String warmup = settings.warmsUpUntilJitSettles()
                    ? String.format(Locale.ROOT, "after a warm-up until the JIT compilers settle (%.0f to %.0f s)",
                    AUTO_WARMUP_MIN_SECONDS, AUTO_WARMUP_MAX_SECONDS)
                    : String.format(Locale.ROOT, "after %.0f s of warm-up", settings.warmupSeconds());
            console.printf("set up in %.1f s; measuring %.0f s %s, with %d threads on %d node(s)%n",
                    (System.nanoTime() - t0) / 1e9, settings.durationSeconds(), warmup, settings.threads(),
                    servers.size());
            return drive(server, researcher, project, hosts);
        } finally {
            for (int n = servers.size() - 1; n >= 0; n--) {
                servers.get(n).close();
            }
        }
    }

    private Report drive(ProjectServer server, long researcher, long project, List<SimulatedHost> hosts)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Map<Integer, Histogram> latencies = new ConcurrentHashMap<>();
        AtomicBoolean measuring = new AtomicBoolean(settings.warmupSeconds() == 0);
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
            running.add(pool.submit(() -> hostLoop(mine, thread, origin, histogram, measuring, stop)));
        }
        running.add(pool.submit(() -> {
            feed(server, researcher, project, stop);
            return null;
        }));
        Progress progress = new Progress(server.dataSource());
        warmUp(progress);
        latencies.values().forEach(h -> {
            synchronized (h) {
                h.reset();
            }
        });
        measuring.set(true);
        long startCompleted = completedResults(server.dataSource());
        long startDispatched = dispatched.sum();
        long startReported = reported.sum();
        long startRequests = requests.sum();
        long startWorkless = workless.sum();
        long startErrors = errors.sum();
        double startCpu = CommandSupport.processCpuSeconds();
        GroupCommit.Counts startCommits = server.groupCommits();
        long startBytes = bytesWritten();
        long start = System.nanoTime();
        long end = start + (long) (settings.durationSeconds() * 1e9);
        while (System.nanoTime() < end) {
            progress.tick(console, "measuring", end);
        }
        long completed = completedResults(server.dataSource()) - startCompleted;
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = CommandSupport.processCpuSeconds() - startCpu;
        GroupCommit.Counts commits = server.groupCommits();
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
        long[] states = resultStates(server.dataSource());
        synchronized (errorSamples) {
            return new Report(seconds, completed, dispatched.sum() - startDispatched, reported.sum() - startReported,
                    requests.sum() - startRequests, workless.sum() - startWorkless, errors.sum() - startErrors,
                    List.copyOf(errorSamples), all,
                    states[0], states[1], states[2], states[3], states[4], states[5], cpu,
                    commits.writes() - startCommits.writes(), commits.waits() - startCommits.waits(),
                    commits.writeNanos() - startCommits.writeNanos(), bytes);
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
            progress.tick(console, "warm-up", end);
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
                          AtomicBoolean measuring, AtomicBoolean stop) {
        double estimate = 1e-9;
        // with --rate, this thread's share of it: requests start on a schedule and latency counts from the planned
        // start, so a server falling behind shows in the figures instead of slowing the load (coordinated omission)
        Pacing pacing = settings.rate() > 0 ? new Pacing(settings.threads(), settings.rate()) : null;
        long sent = 0;
        while (!stop.get()) {
            for (SimulatedHost host : hosts) {
                if (stop.get()) {
                    return null;
                }
                try {
                    long t = System.nanoTime();
                    if (pacing != null) {
                        long planned = pacing.start(origin, thread, sent++);
                        if (planned > t) {
                            java.util.concurrent.locks.LockSupport.parkNanos(planned - t);
                        }
                        t = planned;
                    }
                    List<ResultReport> reports = host.takeReports(System.nanoTime());
                    SchedulerRequest request = new SchedulerRequest(host.hostId, reports,
                            estimate * settings.resultsPerRequest(), host.inProgress(), List.of());
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
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return null;
    }

    private void answer(SimulatedHost host, Assignment a) throws IOException, InterruptedException {
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

    /**
     * Keeps unsent work available: submits another batch when fewer than two batches' results are unsent, looking
     * once a second. The count over the unsent results' index reads every unsent result (a hundred thousand in a
     * long run: a twentieth of the process's CPU when it ran every second), so it runs when the results submitted
     * less those dispatched come near the limit, and otherwise every 10 s: that estimate leaves out replicas the
     * server added or cancelled (adaptive replication cancels many).
     */
    private void feed(ProjectServer server, long researcher, long project, AtomicBoolean stop) throws Exception {
        long limit = 4L * settings.batchSize();
        long lastCount = System.nanoTime();
        while (!stop.get()) {
            long estimate = 2 * fileCounter.get() - dispatched.sum();
            boolean count = estimate < 2 * limit || System.nanoTime() - lastCount >= 10_000_000_000L;
            if (count) {
                lastCount = System.nanoTime();
            }
            if (count && unsentResults(server.dataSource()) < limit) {
                submitWork(server, researcher, project, settings.batchSize());
            } else {
                synchronized (this) {
                    wait(1000);
                }
            }
        }
    }

    private void submitWork(ProjectServer server, long researcher, long project, int workUnits) {
        var policy = new org.sparecycles.workunits.protocol.RedundancyPolicy(2, 2, 3, 6, settings.deadlineSeconds());
        for (int done = 0; done < workUnits; done += settings.batchSize()) {
            int n = Math.min(settings.batchSize(), workUnits - done);
            List<InputFile> files = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long id = fileCounter.incrementAndGet();
                files.add(new InputFile(String.format("tile-%08d.png", id), tinyPng(id)));
            }
            server.batches().submit(researcher, project, "load " + fileCounter.get(), "particle-count",
                    Map.of("sigma", "0", "polarity", "dark", "min_area", "0"),
                    policy, 1, files);
        }
    }

    /** An 8x8 gray PNG whose pixels spell the number, so every input is a different file. */
    static byte[] tinyPng(long id) {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int i = 0; i < 64; i++) {
            raster.setSample(i % 8, i / 8, 0, i < 8 ? (int) ((id >>> (8 * i)) & 0xff) : (i * 37) & 0xff);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Volunteer accounts for the hosts, written straight into the database (the password hash is copied from the
     * researcher's account: hashing 600,000 PBKDF2 rounds per account would make setup take minutes and is not
     * what is measured), then each host registered over HTTP.
     */
    private List<SimulatedHost> createHosts(List<ProjectServer> servers) throws Exception {
        ProjectServer server = servers.get(0);
        DataSource db = server.dataSource();
        List<Long> accountIds = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            String hash;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT password_hash FROM accounts WHERE email = 'researcher@loadtest.local'")) {
                rs.next();
                hash = rs.getString(1);
            }
            try (PreparedStatement account = c.prepareStatement("INSERT INTO accounts (email, name, password_hash,"
                    + " created_at) VALUES (?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS);
                 PreparedStatement role = c.prepareStatement("INSERT INTO account_roles (account_id, role) VALUES (?, ?)")) {
                for (int i = 0; i < settings.hosts(); i++) {
                    account.setString(1, "host" + i + "@loadtest.local");
                    account.setString(2, "Load host " + i);
                    account.setString(3, hash);
                    account.setObject(4, java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
                    account.executeUpdate();
                    try (ResultSet keys = account.getGeneratedKeys()) {
                        keys.next();
                        accountIds.add(keys.getLong(1));
                    }
                    role.setLong(1, accountIds.get(i));
                    role.setString(2, "VOLUNTEER");
                    role.executeUpdate();
                }
            }
            c.commit();
        }
        List<LoadClient> clients = servers.stream().map(s -> new LoadClient(s.baseUri())).toList();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, settings.threads())));
        try {
            List<Future<SimulatedHost>> registered = new ArrayList<>();
            for (int i = 0; i < accountIds.size(); i++) {
                long accountId = accountIds.get(i);
                long seed = i;
                LoadClient client = clients.get(i % clients.size()); // hosts spread over the nodes
                registered.add(pool.submit(() -> {
                    String authenticator = server.accounts().issueAuthenticator(accountId);
                    return new SimulatedHost(client.register(authenticator, "load-host-" + seed), authenticator,
                            client, seed * 0x9E3779B97F4A7C15L);
                }));
            }
            List<SimulatedHost> hosts = new ArrayList<>();
            for (Future<SimulatedHost> f : registered) {
                hosts.add(f.get());
            }
            return hosts;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Results whose work unit is merged and which the validator judged: the lifecycle's end. Read from the run's
     * results (by id) with a lookup of each one's work unit: as a join, H2 read every done work unit through the
     * state index, the history's million too, and each count took seconds, stretching the measured window.
     */
    private long completedResults(DataSource db) throws SQLException {
        return queryLong(db, "SELECT COUNT(*) FROM results r WHERE r.id > " + historyResults
                + " AND r.validate_state IN ('VALID', 'INVALID') AND EXISTS (SELECT 1 FROM work_units w"
                + " WHERE w.id = r.work_unit_id AND w.state IN ('DONE', 'FAILED'))");
    }

    private static long unsentResults(DataSource db) throws SQLException {
        return queryLong(db, "SELECT COUNT(*) FROM results WHERE server_state = 'UNSENT'");
    }

    /** Work units done; results valid, invalid, inconclusive, client error, no reply (the history left out). */
    private long[] resultStates(DataSource db) throws SQLException {
        String mine = " AND id > " + historyResults;
        return new long[] {
                queryLong(db, "SELECT COUNT(*) FROM work_units WHERE state = 'DONE' AND id > " + historyWorkUnits),
                queryLong(db, "SELECT COUNT(*) FROM results WHERE validate_state = 'VALID'" + mine),
                queryLong(db, "SELECT COUNT(*) FROM results WHERE validate_state = 'INVALID'" + mine),
                queryLong(db, "SELECT COUNT(*) FROM results WHERE validate_state = 'INCONCLUSIVE'" + mine),
                queryLong(db, "SELECT COUNT(*) FROM results WHERE outcome = 'CLIENT_ERROR'" + mine),
                queryLong(db, "SELECT COUNT(*) FROM results WHERE outcome = 'NO_REPLY'" + mine)};
    }

    static long queryLong(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A progress line every 5 s: the load generator's own counts, and the completed results with their rate as of
     * the last count. That count reads every result of the run, so it takes longer as the run goes on (every 5 s,
     * it was a twentieth of the process's CPU in a profile, CPU the run measures); it runs at most once per 50 times
     * its own duration, so that it takes under 2% of the time.
     */
    private final class Progress {
        private final DataSource db;
        private long completed = -1;
        private double completedPerSecond = Double.NaN;
        private long countedAt;
        private long nextCount;

        Progress(DataSource db) {
            this.db = db;
        }

        /** Waits up to 5 s, never past {@code until}, then prints a progress line. */
        void tick(PrintStream out, String phase, long until) throws Exception {
            long waitMillis = Math.min(5000, Math.max(1, (until - System.nanoTime()) / 1_000_000));
            synchronized (this) {
                wait(waitMillis);
            }
            long now = System.nanoTime();
            if (now - nextCount >= 0) {
                long count = completedResults(db);
                long after = System.nanoTime();
                if (completed >= 0) {
                    completedPerSecond = (count - completed) / ((now - countedAt) / 1e9);
                }
                completed = count;
                countedAt = now;
                nextCount = after + 50 * (after - now);
            }
            if (!Double.isNaN(completedPerSecond)) {
                out.printf("%-9s completed %,9d (%,7.0f/s)  dispatched %,9d  reported %,9d  requests %,8d  errors %d%n",
                        phase, completed, completedPerSecond, dispatched.sum(), reported.sum(), requests.sum(),
                        errors.sum());
            }
        }
    }
}

package org.sparecycles.server.efficiency;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.sparecycles.server.cli.CommandSupport;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.batches.BatchInput;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.demo.DemoCommand;
import org.sparecycles.server.demo.ProgressLine;
import org.sparecycles.server.demo.VolunteerLauncher;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.BatchSubmission;
import org.sparecycles.workunits.protocol.ProjectInfo;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code efficiency}: the sample workload scaled up (mosaics of flipped tiles of the real samples) through a real
 * server and real headless volunteers, then where the volunteers' CPU went: inside the app or outside it (worker
 * start, client scheduling, transfers, state). Ends with {@code outside_app_share=<x.xx%> app_cpu_s=<n> ...}.
 * See docs/benchmarks.md.
 */
@Command(name = "efficiency", mixinStandardHelpOptions = true,
        description = {"Make the scaled sample workload, run it on embedded H2 with local headless volunteers until",
                "it is merged, and report the volunteers' CPU inside the app and outside it (Linux)."})
public final class EfficiencyCommand implements Callable<Integer> {
    static final long MAX_OUTPUT_BYTES = 256L << 20;
    /**
     * The options of desktop-client/headless.jvmopts (docs/benchmarks.md, "Desktop client footprint"), which the
     * installed package's headless launcher uses too; {@code LeanClientOptionsTest} keeps the two the same.
     */
    static final List<String> LEAN_CLIENT_OPTIONS = List.of("-Xms8m", "-Xmx64m", "-Xss512k", "-XX:+UseSerialGC",
            "-XX:MinHeapFreeRatio=5", "-XX:MaxHeapFreeRatio=20", "-XX:ReservedCodeCacheSize=32m", "-XX:-UsePerfData");

    @Option(names = "--images", defaultValue = "2000", description = "images in the batch (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--warm-up-images", defaultValue = "0",
            description = {"images of a batch run and merged first and left out of the figures, so that the clients'"
                    + " start-up and first compilations are behind them; other images than the measured batch's"
                    + " (default: none)"})
    int warmUpImages;

    @Option(names = "--volunteers", defaultValue = "2",
            description = "local headless volunteers, one task at a time each (default: ${DEFAULT-VALUE})")
    int volunteers;

    @Option(names = "--files-per-work-unit", defaultValue = "200",
            description = "images per work unit (default: ${DEFAULT-VALUE})")
    int filesPerWorkUnit;

    @Option(names = "--memory-bound-mib", defaultValue = "0",
            description = "memory bound of the work units, which sets the workers' heap (default: the server's)")
    long memoryBoundMib;

    @Option(names = "--tile", defaultValue = "240", description = "side of a mosaic tile in pixels (default: ${DEFAULT-VALUE})")
    int tile;

    @Option(names = "--grid", defaultValue = "6", description = "tiles per mosaic row and column (default: ${DEFAULT-VALUE})")
    int grid;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the mosaics (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--data-dir", defaultValue = "sparecycles-efficiency",
            description = "working directory: workload/ (kept and reused), server/ and volunteers/ (made afresh)"
                    + " (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--lean-clients", description = {"start the clients with the options of"
            + " desktop-client/headless.jvmopts (serial GC, a small heap given back) instead of JVM defaults"})
    boolean leanClients;

    @Option(names = "--client-jvm-option", paramLabel = "OPTION",
            description = {"one more JVM option for the clients, after the others (repeatable), e.g."
                    + " --client-jvm-option=-XX:-TieredCompilation"})
    List<String> extraClientOptions = new ArrayList<>();

    @Option(names = "--workload-only", description = "only write the scaled workload into DATA_DIR/workload")
    boolean workloadOnly;

    @Option(names = "--client-jar", description = "the desktop client jar (default: desktop-client/target/desktop-client.jar beside this server's jar)")
    Path clientJar;

    @Option(names = "--timeout-minutes", defaultValue = "60", description = "give up when the batch is not merged by then")
    long timeoutMinutes;

    private final PrintStream console = System.out;

    @Override
    public Integer call() throws Exception {
        if (images < 1 || warmUpImages < 0 || volunteers < 2 || filesPerWorkUnit < 1) {
            System.err.println("efficiency: need --images >= 1, --warm-up-images >= 0, --volunteers >= 2 (quorum 2"
                    + " needs two hosts) and --files-per-work-unit >= 1");
            return 2;
        }
        MosaicWorkload workload = new MosaicWorkload(DemoCommand.SAMPLE_BATCH, tile, grid, seed);
        List<Path> all = prepare(workload, dataDir.resolve("workload"), warmUpImages + images);
        if (workloadOnly) {
            return 0;
        }
        List<Path> warmUpFiles = all.subList(0, warmUpImages);
        List<Path> files = all.subList(warmUpImages, all.size());
        VolunteerLauncher launcher;
        try {
            launcher = VolunteerLauncher.locate(clientJar, EfficiencyCommand.class);
        } catch (IllegalStateException e) {
            System.err.println("efficiency: " + e.getMessage());
            return 2;
        }
        CommandSupport.deleteTree(dataDir.resolve("server"));
        CommandSupport.deleteTree(dataDir.resolve("volunteers"));
        // a mosaic's output lists about 1,350 objects (~180 KB of JSON), so a work unit of 200 images outgrows
        // the default output limit of 4 MiB: raised as an operator would for such a batch
        ServerConfig.Builder settings = ServerConfig.builder().port(0).dataDir(dataDir.resolve("server"))
                .maxOutputBytes(MAX_OUTPUT_BYTES).backgroundIntervalSeconds(1).schedulerRequestDelaySeconds(1)
                .schedulerIdleDelaySeconds(2);
        if (memoryBoundMib > 0) { // larger work units need more than the workers' default heap
            settings.memoryBoundBytes(memoryBoundMib << 20);
        }
        ServerConfig config = settings.build();
        Path volunteerDirs = dataDir.resolve("volunteers");
        try (ProjectServer server = ProjectServer.start(config)) {
            long researcher = server.accounts().create("researcher@efficiency.sparecycles.local",
                    "efficiency-researcher-password", "Efficiency researcher", Set.of(Role.RESEARCHER));
            ProjectInfo project = server.projects().create(researcher, "SpareCycles efficiency",
                    "The sample workload scaled up: mosaics of flipped tiles of the bundled samples.");
            BatchStatus first = warmUpImages > 0 ? submit(server, researcher, project, true, warmUpFiles)
                    : submit(server, researcher, project, false, files);
            double serverCpuBefore = CommandSupport.processCpuSeconds();
            long start = System.nanoTime();
            BatchStatus done;
            List<JsonNode> atWarmUpEnd = List.of();
            List<String> clientOptions = new ArrayList<>(leanClients ? LEAN_CLIENT_OPTIONS : List.of("-Xmx96m"));
            clientOptions.addAll(extraClientOptions);
            try (VolunteerLauncher.Volunteers crowd = launcher.start(server.baseUri(), volunteerDirs, volunteers, 0,
                    () -> { }, clientOptions)) {
                console.println("Started " + volunteers + " headless volunteers, JVM options " + clientOptions
                        + " (logs in " + crowd.logDir().toAbsolutePath() + ")");
                done = new ProgressLine(console).follow(() -> server.batches().status(first.id()),
                        Duration.ofMinutes(timeoutMinutes), crowd::checkAlive);
                if (warmUpImages > 0) {
                    console.println();
                    atWarmUpEnd = awaitLedgers(server, first.id(), volunteerDirs, crowd);
                    console.printf(Locale.ROOT, "Warm-up merged after %.1f s; the clients' cpu.json read once their"
                            + " workers were gone (left out of the figures below)%n", (System.nanoTime() - start) / 1e9);
                    BatchStatus measured = submit(server, researcher, project, false, files);
                    serverCpuBefore = CommandSupport.processCpuSeconds();
                    start = System.nanoTime();
                    done = new ProgressLine(console).follow(() -> server.batches().status(measured.id()),
                            Duration.ofMinutes(timeoutMinutes), crowd::checkAlive);
                }
                crowd.stop(); // each client writes cpu.json as it stops
            }
            double wall = (System.nanoTime() - start) / 1e9;
            double serverCpu = CommandSupport.processCpuSeconds() - serverCpuBefore;
            console.println();
            report(done, readReports(volunteerDirs), atWarmUpEnd, wall, serverCpu);
        } catch (ProgressLine.NotDoneException | IllegalStateException e) {
            System.err.println("efficiency: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /**
     * The clients' {@code cpu.json} once the warm-up batch is merged and every client has written it with all its
     * tasks of that batch: a client writes it while running only when its last worker is gone (docs/client.md), so
     * the copy then read has every worker of the warm-up whole.
     *
     * @throws IllegalStateException when they do not within two minutes, naming what was read
     */
    private List<JsonNode> awaitLedgers(ProjectServer server, long batchId, Path volunteerDirs,
                                        VolunteerLauncher.Volunteers crowd) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String seen = "";
        while (System.nanoTime() < deadline) {
            crowd.checkAlive();
            int computed = successfulResults(server, batchId);
            List<JsonNode> ledgers = new ArrayList<>();
            int measured = 0;
            for (Path dir : volunteerDirectories(volunteerDirs)) {
                Path file = dir.resolve("cpu.json");
                if (Files.isRegularFile(file)) {
                    JsonNode ledger = Json.mapper().readTree(file.toFile());
                    ledgers.add(ledger);
                    measured += ledger.path("tasksMeasured").asInt();
                }
            }
            if (ledgers.size() == volunteers && measured == computed) {
                return ledgers;
            }
            seen = ledgers.size() + " of " + volunteers + " clients' cpu.json, " + measured + " tasks measured of "
                    + computed + " computed";
            Thread.sleep(500);
        }
        throw new IllegalStateException("after the warm-up batch the clients did not write cpu.json with all its"
                + " tasks within 2 minutes (" + seen + "); a client that got no task of the warm-up writes none: give"
                + " the warm-up more images");
    }

    /**
     * Results of the batch reported as computed: each was computed by one of these clients, which measured its task
     * before reporting it. Counted afresh (the batch status reuses its counts for a while).
     */
    private static int successfulResults(ProjectServer server, long batchId) {
        try (Connection c = server.dataSource().getConnection()) {
            return (int) Jdbc.queryLong(c, "SELECT COUNT(*) FROM results r JOIN work_units w"
                    + " ON w.id = r.work_unit_id WHERE w.batch_id = ? AND r.outcome = 'SUCCESS'", batchId);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the warm-up batch's results: " + e.getMessage(), e);
        }
    }

    private List<Path> prepare(MosaicWorkload workload, Path dir, int count) throws IOException {
        Path notice = dir.resolve(MosaicWorkload.NOTICE);
        List<Path> files = Stream.iterate(0, k -> k + 1).limit(count).map(k -> dir.resolve(workload.fileName(k)))
                .toList();
        if (Files.isRegularFile(notice) && Files.readString(notice).equals(workload.notice(count))
                && files.stream().allMatch(Files::isRegularFile)) {
            console.printf(Locale.ROOT, "Workload: %d images of %dx%d in %s (reused)%n", count, workload.side(),
                    workload.side(), dir.toAbsolutePath());
            return files;
        }
        long t0 = System.nanoTime();
        List<Path> written = workload.write(dir, count);
        long bytes = 0;
        for (Path p : written) {
            bytes += Files.size(p);
        }
        console.printf(Locale.ROOT, "Workload: %d images of %dx%d (%.1f MB) written to %s in %.1f s%n", count,
                workload.side(), workload.side(), bytes / 1e6, dir.toAbsolutePath(), (System.nanoTime() - t0) / 1e9);
        return written;
    }

    private BatchStatus submit(ProjectServer server, long researcher, ProjectInfo project, boolean warmUp,
                               List<Path> files) throws IOException {
        List<BatchInput> inputs = new ArrayList<>();
        for (Path p : files) { // read one at a time by the submission
            inputs.add(new BatchInput.OnDisk(p.getFileName().toString(), p, Files.size(p)));
        }
        String name = warmUp ? "Warm-up batch" : "Scaled sample batch";
        BatchStatus batch = server.batches().submit(researcher, new BatchSubmission(project.id(), name,
                "particle-count", DemoCommand.SAMPLE_PARAMETERS, new RedundancyPolicy(2, 2, 0, 0, 0), filesPerWorkUnit),
                inputs, List.of());
        console.printf(Locale.ROOT, "Submitted %s %d: %d images in %d work units of %d, quorum 2 (2 replicas"
                + " each), app %s %s %s%n", warmUp ? "warm-up batch" : "batch", batch.id(), batch.files(),
                batch.workUnits(), filesPerWorkUnit, batch.app(), batch.appVersion(), batch.parameters());
        return batch;
    }

    private static List<Path> volunteerDirectories(Path volunteerDirs) throws IOException {
        try (Stream<Path> dirs = Files.list(volunteerDirs)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static List<JsonNode> readReports(Path volunteerDirs) throws IOException {
        List<JsonNode> reports = new ArrayList<>();
        for (Path dir : volunteerDirectories(volunteerDirs)) {
            Path file = dir.resolve("cpu.json");
            if (!Files.isRegularFile(file)) {
                throw new IOException("no " + file + ": the client did not stop cleanly (see its log)");
            }
            reports.add(Json.mapper().readTree(file.toFile()));
        }
        return reports;
    }

    private void report(BatchStatus done, List<JsonNode> reports, List<JsonNode> atWarmUpEnd, double wall,
                        double serverCpu) {
        var wu = done.workUnitsByState();
        console.printf(Locale.ROOT, "Batch %d %s: %d images in %d work units (%d merged, %d failed) in %.1f s"
                + " wall time%n", done.id(), done.state(), done.files(), done.workUnits(), wu.getOrDefault("DONE", 0),
                wu.getOrDefault("FAILED", 0), wall);
        CpuBreakdown whole = CpuBreakdown.of(reports);
        CpuBreakdown b = whole;
        if (!atWarmUpEnd.isEmpty()) {
            console.print("The whole run, the warm-up batch included:\n" + whole.table("start-up included"));
            console.printf(Locale.ROOT, "whole run: outside_app_share=%.2f%%%n%n", 100 * whole.outsideShare());
            b = whole.since(CpuBreakdown.of(atWarmUpEnd));
            console.printf(Locale.ROOT, "Batch %d alone, after the warm-up:%n", done.id());
        }
        console.print(b.table(atWarmUpEnd.isEmpty() ? "whole run, start-up included" : "after the warm-up"));
        console.printf(Locale.ROOT, "(not volunteer CPU: the server process used %.2f s meanwhile)%n", serverCpu);
        console.println(b.figuresLine());
    }

}

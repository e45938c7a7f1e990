package org.sparecycles.server.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.ProjectInfo;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.samples.SampleImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: a server on embedded H2 with the bundled sample batch and local volunteers, from submission to
 * merged results, with a progress line and a summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start the server on embedded H2, submit the bundled sample batch, run local volunteers",
                "as separate processes until the batch is merged, print a summary and write the results."})
public final class DemoCommand implements Callable<Integer> {
    /** The sample images of the demo batch: the dark-object samples, analysed with one parameter set. */
    public static final List<String> SAMPLE_BATCH = List.of("blobs.png", "blobs_original_indexed.png", "dotblot.png");
    static final String RESEARCHER_EMAIL = "researcher@demo.sparecycles.local";
    static final String RESEARCHER_PASSWORD = "demo-researcher-password";
    /** The demo's admin: a fixed, printed password is fine for a server on the local machine only. */
    static final String ADMIN_EMAIL = "admin@demo.sparecycles.local";
    static final String ADMIN_PASSWORD = "demo-admin-password";
    /** The parameters of the sample batch (dark objects, as in the datasets README). */
    public static final Map<String, String> SAMPLE_PARAMETERS = Map.of("sigma", "1", "polarity", "dark", "min_area", "10");

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--data-dir", defaultValue = "sparecycles-demo",
            description = "server data directory, reused when it exists (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "run on this PostgreSQL database instead of the embedded H2, e.g."
                    + " jdbc:postgresql://localhost:5432/sparecycles?user=u&password=p")
    String db;

    @Option(names = "--out", defaultValue = "sparecycles-demo-results",
            description = "where results.csv and results.json are written (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--volunteers", defaultValue = "3", description = "local volunteers to start (default: ${DEFAULT-VALUE})")
    int volunteers;

    @Option(names = "--faulty", defaultValue = "0",
            description = "how many of the volunteers return wrong answers, to watch validation catch them")
    int faulty;

    @Option(names = "--exit-when-done", description = "stop once the batch is merged instead of serving until Ctrl-C")
    boolean exitWhenDone;

    @Option(names = "--client-jar", description = "the desktop client jar (default: desktop-client/target/desktop-client.jar beside this server's jar)")
    Path clientJar;

    @Option(names = "--timeout-minutes", defaultValue = "30", description = "give up when the batch is not merged by then")
    long timeoutMinutes;

    private final PrintStream console = System.out;

    @Override
    public Integer call() throws Exception {
        if (volunteers < 1 || faulty < 0 || faulty > volunteers) {
            System.err.println("demo: need --volunteers >= 1 and 0 <= --faulty <= --volunteers (got "
                    + volunteers + " and " + faulty + ")");
            return 2;
        }
        VolunteerLauncher launcher;
        try {
            launcher = VolunteerLauncher.locate(clientJar, DemoCommand.class);
        } catch (IllegalStateException e) {
            System.err.println("demo: " + e.getMessage());
            return 2;
        }
        Files.createDirectories(dataDir);
        ServerConfig config = ServerConfig.builder()
                .port(port)
                .dataDir(dataDir)
                .dbUrl(db)
                .backgroundIntervalSeconds(1)
                .schedulerRequestDelaySeconds(1)
                .schedulerIdleDelaySeconds(2)
                .build();
        try (ProjectServer server = ProjectServer.start(config)) {
            String url = server.baseUri().toString();
            console.println("SpareCycles demo server at " + url + " (data in " + dataDir.toAbsolutePath() + ")");
            BatchStatus batch = submitSampleBatch(server);
            console.println("Web UI: open " + url + " in a browser;");
            console.println("  log in as " + RESEARCHER_EMAIL + " / " + RESEARCHER_PASSWORD
                    + " (researcher) to follow the batch at " + url + "batches/" + batch.id() + ",");
            console.println("  or as " + ADMIN_EMAIL + " / " + ADMIN_PASSWORD + " (admin) for " + url + "admin"
                    + " (demo accounts: for this machine only)");
            console.println("Submitted batch " + batch.id() + ": " + batch.files() + " sample images, "
                    + batch.workUnits() + " work units, app " + batch.app() + " " + batch.appVersion() + " "
                    + batch.parameters());
            // the faulty volunteers start first and get work before the honest ones ask, so that validation
            // really meets their wrong answers (otherwise the honest ones may take the whole small batch)
            try (VolunteerLauncher.Volunteers crowd = launcher.start(server.baseUri(), dataDir.resolve("volunteers"),
                    volunteers, faulty, () -> awaitFaultyAtWork(server, faulty))) {
                console.println("Started " + volunteers + " local volunteers" + (faulty > 0 ? " (" + faulty
                        + " faulty, started first)" : "") + "; their logs are in " + crowd.logDir().toAbsolutePath());
                BatchStatus done = new ProgressLine(console).follow(() -> server.batches().status(batch.id()),
                        Duration.ofMinutes(timeoutMinutes), crowd::checkAlive);
                writeResults(server, done.id());
                console.println();
                console.print(DemoSummary.of(server.dataSource(), done, crowd.emails()).render(url,
                        out.toAbsolutePath()));
                if (!exitWhenDone) {
                    crowd.stop(); // the batch is merged: only the server keeps running
                    console.println("Serving at " + url + " until Ctrl-C.");
                    awaitInterrupt();
                }
            }
        } catch (ProgressLine.NotDoneException e) {
            System.err.println("demo: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private BatchStatus submitSampleBatch(ProjectServer server) {
        String email = RESEARCHER_EMAIL;
        long researcher = server.accounts().findByEmail(email)
                .orElseGet(() -> server.accounts().create(email, RESEARCHER_PASSWORD, "Demo researcher",
                        Set.of(Role.RESEARCHER)));
        if (server.accounts().findByEmail(ADMIN_EMAIL).isEmpty()) {
            server.accounts().create(ADMIN_EMAIL, ADMIN_PASSWORD, "Demo admin", Set.of(Role.ADMIN));
        }
        ProjectInfo project = server.projects().list().stream()
                .filter(p -> p.name().equals("SpareCycles demo")).findFirst()
                .orElseGet(() -> server.projects().create(researcher, "SpareCycles demo",
                        "Counting particles in the bundled sample images: ImageJ's blobs and a dot-blot membrane."));
        return server.batches().submit(researcher, project.id(), "Sample batch", "particle-count", SAMPLE_PARAMETERS,
                RedundancyPolicy.DEFAULT, 1, SAMPLE_BATCH.stream()
                        .map(n -> new org.sparecycles.workunits.app.InputFile(n, SampleImages.bytes(n))).toList());
    }

    /** Waits (at most a minute) until {@code faulty} accounts hold results, i.e. every faulty volunteer got work. */
    private static void awaitFaultyAtWork(ProjectServer server, int faulty) {
        long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        try (java.sql.Connection c = server.dataSource().getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "SELECT COUNT(DISTINCT account_id) FROM results WHERE account_id IS NOT NULL")) {
            while (System.nanoTime() < end) {
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getLong(1) >= faulty) {
                        return;
                    }
                }
                Thread.sleep(200);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read the demo database", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeResults(ProjectServer server, long batchId) throws IOException {
        Files.createDirectories(out);
        try (java.io.OutputStream csv = new java.io.BufferedOutputStream(Files.newOutputStream(out.resolve("results.csv")))) {
            server.batches().resultsCsv(batchId, csv);
        }
        try (java.io.OutputStream json = new java.io.BufferedOutputStream(
                Files.newOutputStream(out.resolve("results.json")))) {
            server.batches().resultsJson(batchId, json);
        }
    }

    private static void awaitInterrupt() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "demo-shutdown"));
        stop.await();
    }
}

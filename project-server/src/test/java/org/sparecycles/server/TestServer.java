package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.BatchSubmission;
import org.sparecycles.workunits.protocol.CreateProjectRequest;
import org.sparecycles.workunits.protocol.HostRegistered;
import org.sparecycles.workunits.protocol.HostRegistration;
import org.sparecycles.workunits.protocol.ProjectInfo;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;
import org.sparecycles.workunits.protocol.UploadReceipt;
import org.sparecycles.workunits.samples.SampleImages;

/**
 * A real server on port 0 with a real H2 file database in a temp dir (or a real PostgreSQL database, see
 * {@link #onPostgres()}), an injected {@link MutableClock} and
 * background passes only when the test asks ({@link ProjectServer#runBackgroundPassNow()}), plus the steps tests
 * repeat: accounts, a project, a batch, hosts, scheduler requests, uploads.
 */
final class TestServer implements AutoCloseable {
    static final Map<String, String> PARAMETERS = Map.of("sigma", "1", "polarity", "dark", "min_area", "10");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    final MutableClock clock = new MutableClock();
    final Path dataDir;
    final ProjectServer server;
    final Api anonymous;

    private TestServer(Path dataDir, java.util.function.UnaryOperator<ServerConfig.Builder> tweak) {
        this.dataDir = dataDir;
        this.server = ProjectServer.start(tweak.apply(ServerConfig.builder().port(0).dataDir(dataDir).clock(clock)
                .dbUrl(onPostgres() ? PostgresCluster.shared().databaseFor(dataDir) : null)
                .backgroundIntervalSeconds(3600).schedulerRequestDelaySeconds(1).schedulerIdleDelaySeconds(1)).build());
        this.anonymous = new Api(server.baseUri(), null);
    }

    /**
     * True in the test run that repeats the lifecycle, validation, assimilation, scheduler and trust tests on
     * PostgreSQL (project-server/pom.xml, execution {@code postgresql}); otherwise the servers use embedded H2.
     */
    static boolean onPostgres() {
        return "postgresql".equals(System.getProperty("sparecycles.test.db"));
    }

    static TestServer start(Path dataDir) {
        return new TestServer(dataDir, b -> b);
    }

    /** A server whose configuration the test adjusts (e.g. trust settings). */
    static TestServer start(Path dataDir, java.util.function.UnaryOperator<ServerConfig.Builder> tweak) {
        return new TestServer(dataDir, tweak);
    }

    /** A new account with the roles, logged in through its authenticator. */
    Api account(String email, Role... roles) {
        long id = server.accounts().create(email, "password-of-" + email, null, Set.of(roles));
        return new Api(server.baseUri(), server.accounts().issueAuthenticator(id));
    }

    Api researcher() {
        return account("researcher" + SEQUENCE.incrementAndGet() + "@test.example", Role.RESEARCHER);
    }

    Api volunteer() {
        return account("volunteer" + SEQUENCE.incrementAndGet() + "@test.example");
    }

    long project(Api researcher) {
        return researcher.post("/api/v1/projects", new CreateProjectRequest("Particles", "test project"))
                .expect(201, ProjectInfo.class).id();
    }

    /** The multipart form of a batch of sample images. */
    static Multipart batchForm(long project, RedundancyPolicy policy, int filesPerWorkUnit, String... samples) {
        Multipart form = new Multipart().json("batch", json(new BatchSubmission(project, "test batch",
                "particle-count", PARAMETERS, policy, filesPerWorkUnit)));
        for (String name : samples) {
            form.file("file", name, SampleImages.bytes(name));
        }
        return form;
    }

    BatchStatus submit(Api researcher, long project, RedundancyPolicy policy, int filesPerWorkUnit, String... samples) {
        return researcher.postMultipart("/api/v1/batches", batchForm(project, policy, filesPerWorkUnit, samples))
                .expect(201, BatchStatus.class);
    }

    BatchStatus status(Api researcher, long batchId) {
        return researcher.get("/api/v1/batches/" + batchId).expect(200, BatchStatus.class);
    }

    long host(Api volunteer, double gflops) {
        return volunteer.post("/api/v1/hosts", new HostRegistration("pc-" + SEQUENCE.incrementAndGet(), "Linux", "6.1",
                "test cpu", 4, 8L << 30, gflops, "test")).expect(201, HostRegistered.class).hostId();
    }

    Api.Response schedule(Api volunteer, long host, double workSeconds, ResultReport... reports) {
        return volunteer.post("/api/v1/scheduler", new SchedulerRequest(host, List.of(reports), workSeconds, List.of()));
    }

    List<Assignment> fetch(Api volunteer, long host, double workSeconds) {
        return schedule(volunteer, host, workSeconds).expect(200, SchedulerReply.class).assignments();
    }

    UploadReceipt upload(Api volunteer, long resultId, byte[] output) {
        return volunteer.put("/api/v1/results/" + resultId + "/output", output, Sha256.hex(output))
                .expect(200, UploadReceipt.class);
    }

    /** Uploads the output and reports it as a success with the CPU time. */
    SchedulerReply complete(Api volunteer, long host, long resultId, byte[] output, double cpuSeconds) {
        upload(volunteer, resultId, output);
        return schedule(volunteer, host, 0, success(resultId, output, cpuSeconds)).expect(200, SchedulerReply.class);
    }

    static ResultReport success(long resultId, byte[] output, double cpuSeconds) {
        return new ResultReport(resultId, ResultReport.SUCCESS, Sha256.hex(output), output.length, cpuSeconds,
                cpuSeconds, null);
    }

    static ResultReport error(long resultId, String message) {
        return new ResultReport(resultId, ResultReport.CLIENT_ERROR, null, 0, 1, 1, message);
    }

    /** Runs an INSERT, UPDATE or DELETE; returns the rows it changed. */
    int update(String sql, Object... args) {
        try (Connection c = server.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Lets another node hold the background lease for good (or gives it back), so this server's passes do nothing
     * even when its scheduler asks for one: what a test then sees was done by the requests alone.
     */
    void leaseHeldElsewhere(boolean held) {
        update("DELETE FROM background_lease");
        if (held) {
            update("INSERT INTO background_lease (name, holder, expires_at) VALUES ('background', 'another node', ?)",
                    java.sql.Timestamp.from(java.time.Instant.parse("2100-01-01T00:00:00Z")));
        }
    }

    /** The first column of the first row of a query, as a long. */
    long count(String sql, Object... args) {
        try (Connection c = server.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The rows of a query, each as its columns' text. */
    List<List<String>> rows(String sql, Object... args) {
        try (Connection c = server.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<List<String>> out = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    out.add(row);
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Server state / outcome / validate state of a result, e.g. {@code OVER/SUCCESS/VALID}. */
    String resultState(long resultId) {
        List<String> r = rows("SELECT server_state, outcome, validate_state FROM results WHERE id = ?", resultId).get(0);
        return r.get(0) + "/" + r.get(1) + "/" + r.get(2);
    }

    String workUnitState(long workUnitId) {
        return rows("SELECT state FROM work_units WHERE id = ?", workUnitId).get(0).get(0);
    }

    /** Rows of the tables a batch submission writes, and files in the store. */
    List<Long> footprint() throws java.io.IOException {
        return List.of(count("SELECT COUNT(*) FROM batches"), count("SELECT COUNT(*) FROM work_units"),
                count("SELECT COUNT(*) FROM batch_files"), count("SELECT COUNT(*) FROM results"),
                server.files().count());
    }

    static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertStatus(int expected, Api.Response response) {
        assertEquals(expected, response.status(), response::text);
    }

    @Override
    public void close() {
        server.close();
    }
}

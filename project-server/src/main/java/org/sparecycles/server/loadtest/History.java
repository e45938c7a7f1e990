package org.sparecycles.server.loadtest;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import javax.sql.DataSource;

/**
 * A finished past for the load test's database: accounts with one host each, and a done batch of work units with two
 * valid results each, spread over those hosts and the last 30 days. Written with batched inserts straight into the
 * tables (going through the protocol would take hours); the rows are what the server itself leaves behind, so the
 * scheduler's and the background passes' queries see a database of that size. See docs/benchmarks.md.
 */
final class History {
    private static final int ROWS_PER_COMMIT = 20_000;

    private History() {
    }

    /**
     * Inserts {@code hosts} accounts and hosts and a DONE batch of {@code workUnits} work units owned by the
     * researcher in the project.
     */
    static void preload(DataSource db, long researcher, long project, int workUnits, int hosts, PrintStream console)
            throws SQLException {
        long t0 = System.nanoTime();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        SplittableRandom random = new SplittableRandom(20261124);
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            long[] hostIds = new long[hosts];
            long[] hostAccounts = new long[hosts];
            String hash;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT password_hash FROM accounts WHERE id = " + researcher)) {
                rs.next();
                hash = rs.getString(1);
            }
            try (PreparedStatement account = c.prepareStatement("INSERT INTO accounts (email, name, password_hash,"
                    + " created_at) VALUES (?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS);
                 PreparedStatement host = c.prepareStatement("INSERT INTO hosts (account_id, name, os_name, os_version,"
                         + " cpu_model, cores, memory_bytes, benchmark_gflops, client_version, created_at,"
                         + " last_contact_at) VALUES (?, ?, 'Linux', '6.1', 'past CPU', 4, 8589934592, 5.0, 'past',"
                         + " ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < hosts; i++) {
                    account.setString(1, "past" + i + "@loadtest.local");
                    account.setString(2, "Past volunteer " + i);
                    account.setString(3, hash);
                    account.setObject(4, now.minusDays(60));
                    account.addBatch();
                    if ((i + 1) % ROWS_PER_COMMIT == 0 || i == hosts - 1) {
                        int first = i - (i % ROWS_PER_COMMIT);
                        account.executeBatch();
                        readKeys(account, hostAccounts, first);
                        for (int k = first; k <= i; k++) {
                            host.setLong(1, hostAccounts[k]);
                            host.setString(2, "past-host-" + k);
                            host.setObject(3, now.minusDays(60));
                            host.setObject(4, now.minusDays(random.nextInt(30)));
                            host.addBatch();
                        }
                        host.executeBatch();
                        readKeys(host, hostIds, first);
                        c.commit();
                    }
                }
            }
            long batch;
            try (PreparedStatement b = c.prepareStatement("INSERT INTO batches (project_id, owner_id, name, app,"
                    + " app_version, parameters, min_quorum, target_results, max_error_results, max_total_results,"
                    + " delay_bound_seconds, files_per_work_unit, file_count, work_unit_count, state, created_at,"
                    + " completed_at) VALUES (?, ?, 'past batch', 'particle-count', '1.0', '{}', 2, 2, 3, 6, 86400, 1,"
                    + " ?, ?, 'DONE', ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                b.setLong(1, project);
                b.setLong(2, researcher);
                b.setInt(3, workUnits);
                b.setInt(4, workUnits);
                b.setObject(5, now.minusDays(31));
                b.setObject(6, now.minusDays(1));
                b.executeUpdate();
                try (ResultSet keys = b.getGeneratedKeys()) {
                    keys.next();
                    batch = keys.getLong(1);
                }
            }
            String sha = "0".repeat(64);
            try (PreparedStatement wu = c.prepareStatement("INSERT INTO work_units (batch_id, name, state, min_quorum,"
                    + " target_results, max_error_results, max_total_results, delay_bound_seconds, estimated_seconds,"
                    + " granted_credit, created_at, completed_at) VALUES (?, ?, 'DONE', 2, 2, 3, 6, 86400, 1.0, 0.01,"
                    + " ?, ?)", Statement.RETURN_GENERATED_KEYS);
                 PreparedStatement file = c.prepareStatement("INSERT INTO batch_files (batch_id, seq, name, sha256,"
                         + " size_bytes, work_unit_id, output_sha256) VALUES (?, ?, ?, ?, 100, ?, ?)");
                 PreparedStatement result = c.prepareStatement("INSERT INTO results (work_unit_id, name, server_state,"
                         + " outcome, validate_state, host_id, account_id, sent_at, deadline, reported_at,"
                         + " output_sha256, output_size, cpu_seconds, elapsed_seconds, claimed_credit, granted_credit,"
                         + " created_at) VALUES (?, ?, 'OVER', 'SUCCESS', 'VALID', ?, ?, ?, ?, ?, ?, 100, 0.5, 0.5,"
                         + " 0.01, 0.01, ?)", Statement.RETURN_GENERATED_KEYS);
                 PreparedStatement canonical = c.prepareStatement(
                         "UPDATE work_units SET canonical_result_id = ? WHERE id = ?")) {
                long[] wuIds = new long[ROWS_PER_COMMIT];
                for (int from = 0; from < workUnits; from += ROWS_PER_COMMIT) {
                    int n = Math.min(ROWS_PER_COMMIT, workUnits - from);
                    OffsetDateTime day = now.minusDays(30).plusSeconds((long) from * 30 * 86400 / workUnits);
                    for (int i = 0; i < n; i++) {
                        wu.setLong(1, batch);
                        wu.setString(2, "past_" + (from + i));
                        wu.setObject(3, day);
                        wu.setObject(4, day.plusHours(1));
                        wu.addBatch();
                    }
                    wu.executeBatch();
                    readKeys(wu, wuIds, 0);
                    long[] resultIds = new long[2 * n];
                    for (int i = 0; i < n; i++) {
                        for (int r = 0; r < 2; r++) {
                            int h = random.nextInt(hosts);
                            result.setLong(1, wuIds[i]);
                            result.setString(2, "past_" + (from + i) + "_" + r);
                            result.setLong(3, hostIds[h]);
                            result.setLong(4, hostAccounts[h]);
                            result.setObject(5, day);
                            result.setObject(6, day.plusDays(1));
                            result.setObject(7, day.plusMinutes(30));
                            result.setString(8, sha);
                            result.setObject(9, day);
                            result.addBatch();
                        }
                        file.setLong(1, batch);
                        file.setInt(2, from + i);
                        file.setString(3, String.format("past-%08d.png", from + i));
                        file.setString(4, sha);
                        file.setLong(5, wuIds[i]);
                        file.setString(6, sha);
                        file.addBatch();
                    }
                    result.executeBatch();
                    readKeys(result, resultIds, 0);
                    file.executeBatch();
                    for (int i = 0; i < n; i++) {
                        canonical.setLong(1, resultIds[2 * i]);
                        canonical.setLong(2, wuIds[i]);
                        canonical.addBatch();
                    }
                    canonical.executeBatch();
                    c.commit();
                    if ((from / ROWS_PER_COMMIT) % 5 == 4) {
                        console.printf("  history: %,d of %,d work units (%.0f s)%n", from + n, workUnits,
                                (System.nanoTime() - t0) / 1e9);
                    }
                }
            }
        }
        console.printf("history: %,d accounts and hosts, %,d done work units with %,d results, in %.1f s%n", hosts,
                workUnits, 2L * workUnits, (System.nanoTime() - t0) / 1e9);
    }

    private static void readKeys(Statement s, long[] into, int offset) throws SQLException {
        try (ResultSet keys = s.getGeneratedKeys()) {
            int i = offset;
            while (keys.next()) {
                into[i++] = keys.getLong(1);
            }
        }
    }
}

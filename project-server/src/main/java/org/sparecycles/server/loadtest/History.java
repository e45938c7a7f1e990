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
            long[] firstReplica = insertWorkUnits(c, batch, workUnits, now, sha, console, t0);
            insertResults(c, firstReplica, hostIds, hostAccounts, now, sha, console, t0);
        }
        console.printf("history: %,d accounts and hosts, %,d done work units with %,d results, in %.1f s%n", hosts,
                workUnits, 2L * workUnits, (System.nanoTime() - t0) / 1e9);
    }

    /** The day work unit {@code i} of {@code n} was done: spread evenly over the 30 days before {@code now}. */
    private static OffsetDateTime day(OffsetDateTime now, long i, long n) {
        return now.minusDays(30).plusSeconds(i * 30 * 86400 / n);
    }

    /** Inserts the work units and their files in order; returns their ids. */
    private static long[] insertWorkUnits(Connection c, long batch, int workUnits, OffsetDateTime now, String sha,
                                          PrintStream console, long t0) throws SQLException {
        long[] ids = new long[workUnits];
        try (PreparedStatement wu = c.prepareStatement("INSERT INTO work_units (batch_id, name, state, min_quorum,"
                + " target_results, max_error_results, max_total_results, delay_bound_seconds, estimated_seconds,"
                + " granted_credit, created_at, completed_at) VALUES (?, ?, 'DONE', 2, 2, 3, 6, 86400, 1.0, 0.01,"
                + " ?, ?)", Statement.RETURN_GENERATED_KEYS);
             PreparedStatement file = c.prepareStatement("INSERT INTO batch_files (batch_id, seq, name, sha256,"
                     + " size_bytes, work_unit_id, output_sha256) VALUES (?, ?, ?, ?, 100, ?, ?)")) {
            for (int from = 0; from < workUnits; from += ROWS_PER_COMMIT) {
                int n = Math.min(ROWS_PER_COMMIT, workUnits - from);
                for (int i = from; i < from + n; i++) {
                    wu.setLong(1, batch);
                    wu.setString(2, "past_" + i);
                    wu.setObject(3, day(now, i, workUnits));
                    wu.setObject(4, day(now, i, workUnits).plusHours(1));
                    wu.addBatch();
                }
                wu.executeBatch();
                readKeys(wu, ids, from);
                for (int i = from; i < from + n; i++) {
                    file.setLong(1, batch);
                    file.setInt(2, i);
                    file.setString(3, String.format("past-%08d.png", i));
                    file.setString(4, sha);
                    file.setLong(5, ids[i]);
                    file.setString(6, sha);
                    file.addBatch();
                }
                file.executeBatch();
                c.commit();
                progress(console, "work units", from + n, workUnits, t0);
            }
        }
        return ids;
    }

    /**
     * Inserts two valid results per work unit and makes the first one canonical. The results go in host order: the
     * first replicas of all work units, in order, spread over the first half of the hosts, then the second replicas
     * over the second half, so the two replicas of a work unit never share a host or an account and every index of
     * the results table (by host, by account, by work unit, by time) grows at one end or in one sweep. Inserted at
     * random places, each commit rewrote pages all over those indexes, and the database file grew to many times its
     * content (17 GB before a million work units).
     */
    private static void insertResults(Connection c, long[] workUnitIds, long[] hostIds, long[] hostAccounts,
                                      OffsetDateTime now, String sha, PrintStream console, long t0)
            throws SQLException {
        int n = workUnitIds.length;
        long total = 2L * n;
        long[] firstReplica = new long[n];
        try (PreparedStatement result = c.prepareStatement("INSERT INTO results (work_unit_id, name, server_state,"
                + " outcome, validate_state, host_id, account_id, sent_at, deadline, reported_at, output_sha256,"
                + " output_size, cpu_seconds, elapsed_seconds, claimed_credit, granted_credit, created_at)"
                + " VALUES (?, ?, 'OVER', 'SUCCESS', 'VALID', ?, ?, ?, ?, ?, ?, 100, 0.5, 0.5, 0.01, 0.01, ?)",
                Statement.RETURN_GENERATED_KEYS);
             PreparedStatement canonical = c.prepareStatement(
                     "UPDATE work_units SET canonical_result_id = ? WHERE id = ?")) {
            long[] keys = new long[ROWS_PER_COMMIT];
            for (long from = 0; from < total; from += ROWS_PER_COMMIT) {
                int count = (int) Math.min(ROWS_PER_COMMIT, total - from);
                for (long j = from; j < from + count; j++) {
                    int w = (int) (j % n);
                    int replica = (int) (j / n);
                    // the second replica's host is at least hosts/2 further on, so never the first one's (hosts > 1)
                    int h = (int) (j * hostIds.length / total);
                    OffsetDateTime day = day(now, w, n);
                    result.setLong(1, workUnitIds[w]);
                    result.setString(2, "past_" + w + "_" + replica);
                    result.setLong(3, hostIds[h]);
                    result.setLong(4, hostAccounts[h]);
                    result.setObject(5, day);
                    result.setObject(6, day.plusDays(1));
                    result.setObject(7, day.plusMinutes(30));
                    result.setString(8, sha);
                    result.setObject(9, day);
                    result.addBatch();
                }
                result.executeBatch();
                readKeys(result, keys, 0);
                for (int k = 0; k < count; k++) {
                    long j = from + k;
                    if (j < n) {
                        firstReplica[(int) j] = keys[k];
                    }
                }
                c.commit();
                progress(console, "results", from + count, total, t0);
            }
            for (int from = 0; from < n; from += ROWS_PER_COMMIT) {
                for (int w = from; w < Math.min(n, from + ROWS_PER_COMMIT); w++) {
                    canonical.setLong(1, firstReplica[w]);
                    canonical.setLong(2, workUnitIds[w]);
                    canonical.addBatch();
                }
                canonical.executeBatch();
                c.commit();
            }
        }
    }

    private static void progress(PrintStream console, String what, long done, long total, long t0) {
        if (done == total || done / ROWS_PER_COMMIT % 10 == 0) {
            console.printf("  history: %,d of %,d %s (%.0f s)%n", done, total, what, (System.nanoTime() - t0) / 1e9);
        }
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

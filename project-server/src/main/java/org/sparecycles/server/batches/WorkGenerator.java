package org.sparecycles.server.batches;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.sparecycles.server.files.FileStore.StoredFile;
import org.sparecycles.server.lifecycle.ResultTransitions;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * Cuts a stored batch into work units of {@code filesPerWorkUnit} files (the last may have fewer) and creates
 * {@code target_results} UNSENT results for each. Runs inside the submission's transaction.
 */
final class WorkGenerator {
    /** Rough run time of one input file on an ordinary core, for work-fetch arithmetic. */
    static final double ESTIMATED_SECONDS_PER_FILE = 2.0;

    private WorkGenerator() {
    }

    /** Returns the number of work units created. Rows go in JDBC batches: work units, then files, then results. */
    static int generate(Connection c, long batchId, BatchIntake.Checked batch, List<StoredFile> stored, Instant now)
            throws SQLException {
        RedundancyPolicy p = batch.policy();
        int per = batch.filesPerWorkUnit();
        int units = (stored.size() + per - 1) / per;
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        long[] ids = new long[units];
        try (PreparedStatement wu = c.prepareStatement("INSERT INTO work_units (batch_id, name, state, min_quorum,"
                + " target_results, max_error_results, max_total_results, delay_bound_seconds, estimated_seconds,"
                + " created_at) VALUES (?, ?, 'UNSENT', ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            for (int u = 0; u < units; u++) {
                int files = Math.min(stored.size(), (u + 1) * per) - u * per;
                wu.setLong(1, batchId);
                wu.setString(2, name(batchId, u));
                wu.setInt(3, p.minQuorum());
                wu.setInt(4, p.targetResults());
                wu.setInt(5, p.maxErrorResults());
                wu.setInt(6, p.maxTotalResults());
                wu.setLong(7, p.delayBoundSeconds());
                wu.setDouble(8, files * ESTIMATED_SECONDS_PER_FILE);
                wu.setObject(9, at);
                wu.addBatch();
            }
            wu.executeBatch();
            try (ResultSet keys = wu.getGeneratedKeys()) {
                for (int u = 0; u < units; u++) {
                    if (!keys.next()) {
                        throw new SQLException("no generated key for work unit " + u + " of batch " + batchId);
                    }
                    ids[u] = keys.getLong(1);
                }
            }
        }
        try (PreparedStatement file = c.prepareStatement("INSERT INTO batch_files (batch_id, seq, name, sha256,"
                + " size_bytes, work_unit_id) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < stored.size(); i++) {
                file.setLong(1, batchId);
                file.setInt(2, i);
                file.setString(3, batch.files().get(i).name());
                file.setString(4, stored.get(i).sha256());
                file.setLong(5, stored.get(i).size());
                file.setLong(6, ids[i / per]);
                file.addBatch();
            }
            file.executeBatch();
        }
        long[] resultUnits = new long[units * p.targetResults()];
        String[] resultNames = new String[resultUnits.length];
        for (int u = 0; u < units; u++) {
            for (int r = 0; r < p.targetResults(); r++) {
                resultUnits[u * p.targetResults() + r] = ids[u];
                resultNames[u * p.targetResults() + r] = name(batchId, u) + "_" + r;
            }
        }
        ResultTransitions.createdAll(c, resultUnits, resultNames, now);
        return units;
    }

    private static String name(long batchId, int unit) {
        return "b" + batchId + "_wu" + unit;
    }
}

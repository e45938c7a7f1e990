package org.sparecycles.server.batches;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.sparecycles.server.db.Jdbc;
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

    /** Returns the number of work units created. */
    static int generate(Connection c, long batchId, BatchIntake.Checked batch, List<StoredFile> stored, Instant now)
            throws SQLException {
        RedundancyPolicy p = batch.policy();
        int per = batch.filesPerWorkUnit();
        int units = 0;
        for (int first = 0; first < stored.size(); first += per) {
            int last = Math.min(stored.size(), first + per);
            String name = "b" + batchId + "_wu" + units;
            long wu = Jdbc.insert(c, "INSERT INTO work_units (batch_id, name, state, min_quorum, target_results,"
                    + " max_error_results, max_total_results, delay_bound_seconds, estimated_seconds, created_at)"
                    + " VALUES (?, ?, 'UNSENT', ?, ?, ?, ?, ?, ?, ?)", batchId, name, p.minQuorum(), p.targetResults(),
                    p.maxErrorResults(), p.maxTotalResults(), p.delayBoundSeconds(),
                    (last - first) * ESTIMATED_SECONDS_PER_FILE, now);
            for (int i = first; i < last; i++) {
                Jdbc.insert(c, "INSERT INTO batch_files (batch_id, seq, name, sha256, size_bytes, work_unit_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?)", batchId, i, batch.files().get(i).name(), stored.get(i).sha256(),
                        stored.get(i).size(), wu);
            }
            for (int r = 0; r < p.targetResults(); r++) {
                ResultTransitions.created(c, wu, name + "_" + r, now);
            }
            units++;
        }
        return units;
    }
}

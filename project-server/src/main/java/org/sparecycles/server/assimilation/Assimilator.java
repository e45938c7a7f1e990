package org.sparecycles.server.assimilation;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.server.lifecycle.WorkUnitTransitions;
import org.sparecycles.workunits.json.CanonicalJson;

/**
 * Merges each work unit's canonical output into its batch: the per-file entries of the output's {@code files}
 * array are stored (content-addressed) and linked to the batch's input files, then the work unit is DONE. A
 * batch whose work units are all DONE or FAILED becomes DONE. Runs only on the background thread.
 */
public final class Assimilator {
    private static final Logger LOG = LoggerFactory.getLogger(Assimilator.class);

    private final Jdbc jdbc;
    private final FileStore files;
    private final Clock clock;

    public Assimilator(Jdbc jdbc, FileStore files, Clock clock) {
        this.jdbc = jdbc;
        this.files = files;
        this.clock = clock;
    }

    /** One pass: merge every validated work unit, then close finished batches. */
    public void runPass() {
        for (long[] wu : jdbc.query("SELECT w.id, r.id FROM work_units w JOIN results r ON r.id = w.canonical_result_id"
                + " WHERE w.state = 'VALIDATING' ORDER BY w.id", rs -> new long[] {rs.getLong(1), rs.getLong(2)})) {
            merge(wu[0], wu[1]);
        }
        Instant now = clock.instant();
        for (long batch : jdbc.query("SELECT b.id FROM batches b WHERE b.state = 'IN_PROGRESS' AND NOT EXISTS"
                + " (SELECT 1 FROM work_units w WHERE w.batch_id = b.id AND w.state NOT IN ('DONE', 'FAILED'))",
                rs -> rs.getLong(1))) {
            if (jdbc.update("UPDATE batches SET state = 'DONE', completed_at = ? WHERE id = ? AND state = 'IN_PROGRESS'",
                    now, batch) == 1) {
                LOG.info("batch {} done", batch);
            }
        }
    }

    private void merge(long wu, long canonical) {
        String outputSha = jdbc.queryOne("SELECT output_sha256 FROM results WHERE id = ?", rs -> rs.getString(1),
                canonical).orElse(null);
        List<Long> inputs = jdbc.query("SELECT id FROM batch_files WHERE work_unit_id = ? ORDER BY seq",
                rs -> rs.getLong(1), wu);
        List<String> perFile = new ArrayList<>();
        String problem = null;
        try {
            JsonNode fileResults = CanonicalJson.read(files.read(outputSha)).path("files");
            if (!fileResults.isArray() || fileResults.size() != inputs.size()) {
                problem = "canonical output lists " + fileResults.size() + " files, the work unit has " + inputs.size();
            } else {
                for (JsonNode entry : fileResults) {
                    try {
                        perFile.add(files.put(CanonicalJson.write(entry)).sha256());
                    } catch (IOException e) {
                        // the store cannot take it now (e.g. the disk is full): not the work unit's fault, so it
                        // stays VALIDATING and the next pass tries again
                        LOG.warn("work unit {}: cannot store its merged results ({}); trying again at the next pass",
                                wu, e.getMessage());
                        return;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            problem = "canonical output cannot be read: " + e.getMessage();
        }
        String reason = problem;
        Instant now = clock.instant();
        jdbc.inTransaction(c -> {
            if (reason != null) {
                WorkUnitTransitions.failed(c, wu, reason, now);
                LOG.warn("work unit {} failed in assimilation: {}", wu, reason);
                return null;
            }
            if (WorkUnitTransitions.merged(c, wu, now)) {
                link(c, inputs, perFile);
            }
            return null;
        });
    }

    private static void link(Connection c, List<Long> inputs, List<String> perFile) throws SQLException {
        for (int i = 0; i < inputs.size(); i++) {
            Jdbc.update(c, "UPDATE batch_files SET output_sha256 = ? WHERE id = ?", perFile.get(i), inputs.get(i));
        }
    }
}

package org.sparecycles.server.batches;

import java.util.List;
import java.util.Optional;
import org.sparecycles.server.db.CostlyValues;
import org.sparecycles.server.db.Jdbc;

/** A batch's input files with the state of their work units, for the batch page. Thread-safe. */
public final class BatchFiles {
    private final Jdbc jdbc;
    private final CostlyValues<Long, Counts> countCache = new CostlyValues<>(System::nanoTime);

    public BatchFiles(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One input file. {@code outputSha256} is its merged canonical result once the work unit is DONE;
     * {@code error} the work unit's failure reason.
     */
    public record FileRow(int seq, String name, String sha256, long sizeBytes, long workUnitId, String state,
                          String outputSha256, String error) {
        public boolean merged() {
            return outputSha256 != null;
        }
    }

    private static final String SELECT = "SELECT f.seq, f.name, f.sha256, f.size_bytes, f.work_unit_id, w.state,"
            + " f.output_sha256, w.error_reason FROM batch_files f JOIN work_units w ON w.id = f.work_unit_id";

    /** At most {@code limit} files of the batch in submission order, from the {@code offset}-th (0 = first). */
    public List<FileRow> page(long batchId, long offset, int limit) {
        return jdbc.query(SELECT + " WHERE f.batch_id = ? ORDER BY f.seq LIMIT ? OFFSET ?", BatchFiles::row, batchId,
                limit, offset);
    }

    /**
     * How many of a batch's files are merged, how many failed, and how many were merged since a moment (for the
     * recent throughput), without reading any output.
     */
    public record Counts(int merged, int failed, int mergedRecently) {
    }

    /** The counts, reused for a while when counting took long (a batch of a million files; {@link CostlyValues}). */
    public Counts counts(long batchId, java.time.Instant recentSince) {
        return countCache.get(batchId, () -> jdbc.queryOne(
                "SELECT COALESCE(SUM(CASE WHEN f.output_sha256 IS NOT NULL THEN 1 ELSE 0 END), 0),"
                + " COALESCE(SUM(CASE WHEN f.output_sha256 IS NULL AND w.state = 'FAILED' THEN 1 ELSE 0 END), 0),"
                + " COALESCE(SUM(CASE WHEN f.output_sha256 IS NOT NULL AND w.completed_at >= ? THEN 1 ELSE 0 END), 0)"
                + " FROM batch_files f JOIN work_units w ON w.id = f.work_unit_id WHERE f.batch_id = ?",
                rs -> new Counts(rs.getInt(1), rs.getInt(2), rs.getInt(3)), recentSince, batchId)
                .orElse(new Counts(0, 0, 0)));
    }

    public Optional<FileRow> find(long batchId, int seq) {
        return jdbc.queryOne(SELECT + " WHERE f.batch_id = ? AND f.seq = ?", BatchFiles::row, batchId, seq);
    }

    private static FileRow row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new FileRow(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getString(6), rs.getString(7), rs.getString(8));
    }
}

package org.sparecycles.server.stats;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.sparecycles.server.db.Jdbc;

/** How one work unit's credit was computed: every result's claim and the median granted. Thread-safe. */
public final class CreditFigures {
    private final Jdbc jdbc;

    public CreditFigures(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** One result of the work unit with what it claimed and got. */
    public record ResultLine(long resultId, Long hostId, String accountEmail, String outcome, String validateState,
                             Double cpuSeconds, Double benchmarkGflops, Double claimed, Double granted,
                             boolean canonical, Instant reported) {
    }

    /** A work unit's credit: its state, the median granted to valid results, and every result. */
    public record Breakdown(long workUnitId, String name, long batchId, String state, Long canonicalResultId,
                            Double grantedCredit, List<ResultLine> results) {
    }

    public Optional<Breakdown> workUnit(long id) {
        return jdbc.withConnection(c -> {
            var wu = Jdbc.queryOne(c, "SELECT id, name, batch_id, state, canonical_result_id, granted_credit"
                    + " FROM work_units WHERE id = ?", rs -> new Object[] {rs.getLong(1), rs.getString(2),
                            rs.getLong(3), rs.getString(4), Jdbc.nullableLong(rs, "canonical_result_id"),
                            rs.getObject(6) == null ? null : rs.getDouble(6)}, id);
            if (wu.isEmpty()) {
                return Optional.empty();
            }
            Object[] w = wu.get();
            Long canonical = (Long) w[4];
            List<ResultLine> lines = Jdbc.query(c, "SELECT r.id, r.host_id, a.email, r.outcome, r.validate_state,"
                    + " r.cpu_seconds, h.benchmark_gflops, r.claimed_credit, r.granted_credit, r.reported_at, r.server_state"
                    + " FROM results r LEFT JOIN hosts h ON h.id = r.host_id LEFT JOIN accounts a ON a.id = r.account_id"
                    + " WHERE r.work_unit_id = ? ORDER BY r.id",
                    rs -> new ResultLine(rs.getLong(1), Jdbc.nullableLong(rs, "host_id"), rs.getString(3),
                            rs.getString(4) == null ? rs.getString(11) : rs.getString(4), rs.getString(5),
                            nullable(rs, 6), nullable(rs, 7), nullable(rs, 8), nullable(rs, 9),
                            canonical != null && canonical == rs.getLong(1), Jdbc.instant(rs, "reported_at")), id);
            return Optional.of(new Breakdown((Long) w[0], (String) w[1], (Long) w[2], (String) w[3], canonical,
                    (Double) w[5], lines));
        });
    }

    private static Double nullable(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }
}

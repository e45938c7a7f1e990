package org.sparecycles.server.demo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.sparecycles.workunits.protocol.BatchStatus;

/** The demo's closing summary: work units, results by validation, credit per volunteer. */
record DemoSummary(BatchStatus batch, List<VolunteerLine> volunteers) {

    record VolunteerLine(String email, String name, int valid, int invalid, int errors, int noReply,
                         double batchCredit, double totalCredit) {
    }

    static DemoSummary of(DataSource db, BatchStatus batch, List<String> emails) throws SQLException {
        String sql = "SELECT a.email, a.name, a.total_credit,"
                + " SUM(CASE WHEN r.validate_state = 'VALID' THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN r.validate_state = 'INVALID' THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN r.outcome = 'CLIENT_ERROR' THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN r.outcome = 'NO_REPLY' THEN 1 ELSE 0 END),"
                + " SUM(COALESCE(r.granted_credit, 0))"
                + " FROM accounts a LEFT JOIN results r ON r.account_id = a.id"
                + " AND r.work_unit_id IN (SELECT id FROM work_units WHERE batch_id = ?)"
                + " WHERE a.email = ? GROUP BY a.email, a.name, a.total_credit";
        List<VolunteerLine> lines = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (String email : emails) {
                ps.setLong(1, batch.id());
                ps.setString(2, email);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        lines.add(new VolunteerLine(rs.getString(1), rs.getString(2), rs.getInt(4), rs.getInt(5),
                                rs.getInt(6), rs.getInt(7), rs.getDouble(8), rs.getDouble(3)));
                    } else {
                        lines.add(new VolunteerLine(email, "(never connected)", 0, 0, 0, 0, 0, 0));
                    }
                }
            }
        }
        return new DemoSummary(batch, lines);
    }

    String render(String url, Path out) {
        StringBuilder s = new StringBuilder();
        var wu = batch.workUnitsByState();
        s.append(String.format(Locale.ROOT, "Batch %d %s: %d files in %d work units (%d merged, %d failed)%n",
                batch.id(), batch.state(), batch.files(), batch.workUnits(), wu.getOrDefault("DONE", 0),
                wu.getOrDefault("FAILED", 0)));
        int valid = volunteers.stream().mapToInt(VolunteerLine::valid).sum();
        int invalid = volunteers.stream().mapToInt(VolunteerLine::invalid).sum();
        int errors = volunteers.stream().mapToInt(VolunteerLine::errors).sum();
        int noReply = volunteers.stream().mapToInt(VolunteerLine::noReply).sum();
        s.append(String.format(Locale.ROOT, "Results: %d valid, %d invalid, %d client errors, %d no reply%n",
                valid, invalid, errors, noReply));
        s.append(String.format(Locale.ROOT, "%-36s %-24s %6s %8s %6s %14s %14s%n", "volunteer", "name", "valid",
                "invalid", "error", "credit (batch)", "credit (total)"));
        for (VolunteerLine v : volunteers) {
            s.append(String.format(Locale.ROOT, "%-36s %-24s %6d %8d %6d %14.4f %14.4f%n", v.email(), v.name(),
                    v.valid(), v.invalid(), v.errors() + v.noReply(), v.batchCredit(), v.totalCredit()));
        }
        s.append("Server: ").append(url).append(System.lineSeparator());
        s.append("Results: ").append(out.resolve("results.csv")).append(" and ")
                .append(out.resolve("results.json")).append(System.lineSeparator());
        return s.toString();
    }
}

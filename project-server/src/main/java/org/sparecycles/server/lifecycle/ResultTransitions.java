package org.sparecycles.server.lifecycle;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.sparecycles.server.db.Jdbc;

/**
 * Every change of a result's states, each a guarded {@code UPDATE ... WHERE server_state = ? ...} so it happens
 * at most once; each returns whether it happened. See docs/server.md for the table.
 */
public final class ResultTransitions {
    private ResultTransitions() {
    }

    /** Inserts a new UNSENT / INIT result of the work unit; returns its id. */
    public static long created(Connection c, long wu, String name, Instant now) throws SQLException {
        return Jdbc.insert(c, "INSERT INTO results (work_unit_id, name, server_state, validate_state, created_at)"
                + " VALUES (?, ?, 'UNSENT', 'INIT', ?)", wu, name, now);
    }

    /** Inserts new UNSENT / INIT results, one per work unit and name at the same index, in one JDBC batch. */
    public static void createdAll(Connection c, long[] workUnits, String[] names, Instant now) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO results (work_unit_id, name, server_state,"
                + " validate_state, created_at) VALUES (?, ?, 'UNSENT', 'INIT', ?)")) {
            java.time.OffsetDateTime at = java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC);
            for (int i = 0; i < workUnits.length; i++) {
                ps.setLong(1, workUnits[i]);
                ps.setString(2, names[i]);
                ps.setObject(3, at);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** UNSENT to IN_PROGRESS: sent to a host, with its deadline. */
    public static boolean sent(Connection c, long result, long host, long account, Instant now, Instant deadline)
            throws SQLException {
        return Jdbc.update(c, "UPDATE results SET server_state = 'IN_PROGRESS', host_id = ?, account_id = ?, sent_at = ?,"
                + " deadline = ? WHERE id = ? AND server_state = 'UNSENT'", host, account, now, deadline, result) == 1;
    }

    /** IN_PROGRESS to OVER / SUCCESS: reported with its output, which the file store holds. */
    public static boolean succeeded(Connection c, long result, String outputSha256, long outputSize, double cpuSeconds,
                                    double elapsedSeconds, double claimedCredit, Instant now) throws SQLException {
        return Jdbc.update(c, "UPDATE results SET server_state = 'OVER', outcome = 'SUCCESS', output_sha256 = ?,"
                + " output_size = ?, cpu_seconds = ?, elapsed_seconds = ?, claimed_credit = ?, reported_at = ?"
                + " WHERE id = ? AND server_state = 'IN_PROGRESS'",
                outputSha256, outputSize, cpuSeconds, elapsedSeconds, claimedCredit, now, result) == 1;
    }

    /** IN_PROGRESS to OVER / CLIENT_ERROR. */
    public static boolean clientError(Connection c, long result, String message, double cpuSeconds,
                                      double elapsedSeconds, Instant now) throws SQLException {
        String text = message == null ? "" : message.length() > 2000 ? message.substring(0, 2000) : message;
        return Jdbc.update(c, "UPDATE results SET server_state = 'OVER', outcome = 'CLIENT_ERROR', error_message = ?,"
                + " cpu_seconds = ?, elapsed_seconds = ?, reported_at = ? WHERE id = ? AND server_state = 'IN_PROGRESS'",
                text, cpuSeconds, elapsedSeconds, now, result) == 1;
    }

    /** IN_PROGRESS to OVER / NO_REPLY: the deadline passed. */
    public static boolean timedOut(Connection c, long result, Instant now) throws SQLException {
        return Jdbc.update(c, "UPDATE results SET server_state = 'OVER', outcome = 'NO_REPLY', error_message = ?"
                + " WHERE id = ? AND server_state = 'IN_PROGRESS' AND deadline < ?",
                "no reply before the deadline", result, now) == 1;
    }

    /** UNSENT to OVER / DIDNT_NEED for every unsent result of the work unit; returns how many. */
    public static int unsentNotNeeded(Connection c, long wu) throws SQLException {
        return Jdbc.update(c, "UPDATE results SET server_state = 'OVER', outcome = 'DIDNT_NEED'"
                + " WHERE work_unit_id = ? AND server_state = 'UNSENT'", wu);
    }

    /** IN_PROGRESS to OVER / DIDNT_NEED: the work unit failed, the host is told to drop the result. */
    public static boolean cancelled(Connection c, long result) throws SQLException {
        return Jdbc.update(c, "UPDATE results SET server_state = 'OVER', outcome = 'DIDNT_NEED'"
                + " WHERE id = ? AND server_state = 'IN_PROGRESS'", result) == 1;
    }

    /** OVER / SUCCESS, INIT or INCONCLUSIVE, to VALID / INVALID / INCONCLUSIVE. */
    public static boolean validated(Connection c, long result, ResultState.Validate to, Double grantedCredit)
            throws SQLException {
        return Jdbc.update(c, "UPDATE results SET validate_state = ?, granted_credit = ? WHERE id = ?"
                + " AND outcome = 'SUCCESS' AND validate_state IN ('INIT', 'INCONCLUSIVE')", to, grantedCredit, result) == 1;
    }

    /** OVER / SUCCESS to OVER / VALIDATE_ERROR: the output cannot be read. */
    public static boolean validateError(Connection c, long result, String message) throws SQLException {
        return Jdbc.update(c, "UPDATE results SET outcome = 'VALIDATE_ERROR', validate_state = 'INVALID',"
                + " error_message = ? WHERE id = ? AND outcome = 'SUCCESS' AND validate_state IN ('INIT', 'INCONCLUSIVE')",
                message, result) == 1;
    }
}

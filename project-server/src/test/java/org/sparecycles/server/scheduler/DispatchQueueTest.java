package org.sparecycles.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.db.Database;
import org.sparecycles.server.db.Jdbc;

/**
 * The dispatch queue on a real H2 file with the migrated schema: the refill walks the index (server_state, deadline,
 * id) in order from the cursor instead of reading and sorting every unsent result (docs/benchmarks.md, "A large
 * backlog of unsent work"); when adaptive replication sends a work unit to one trusted host, the work unit's other
 * replicas leave the queue, including one another request holds, which cannot come back.
 */
class DispatchQueueTest {
    @TempDir
    Path tmp;

    @Test
    void theRefillReadsTheStateIndexInOrderFromTheCursor() {
        try (Database db = Database.open(tmp)) {
            String plan = plan(db, DispatchQueue.refillSql(DispatchQueue.CAPACITY), "123");
            assertTrue(plan.contains("IX_RESULTS_STATE_DEADLINE_ID: ID > "), plan);
            assertTrue(plan.contains("/* index sorted */"), plan);
        }
    }

    @Test
    void aHostsResultsInProgressAreFoundThroughTheHostIndex() {
        try (Database db = Database.open(tmp)) {
            String plan = plan(db, Dispatcher.IN_PROGRESS_ON_HOST, "7");
            assertTrue(plan.contains("IX_RESULTS_HOST_SENT: "), plan);
        }
    }

    @Test
    void theOtherReplicasOfAReducedWorkUnitLeaveTheQueue() {
        try (Database db = Database.open(tmp)) {
            Jdbc jdbc = db.jdbc();
            List<Long> workUnits = seed(jdbc, 3); // two replicas each, results in work unit order
            DispatchQueue queue = new DispatchQueue(jdbc);
            DispatchQueue.Candidate first = queue.take(c -> true).orElseThrow();
            DispatchQueue.Candidate sibling = queue.take(c -> true).orElseThrow(); // held by another request
            assertEquals(first.workUnitId(), sibling.workUnitId());
            assertEquals(4, queue.size());

            // as a claim's transaction does when it reduces work units to one replica (refills skip them from now on)
            for (long wu : List.of(first.workUnitId(), workUnits.get(1))) {
                jdbc.update("UPDATE results SET server_state = 'OVER', outcome = 'DIDNT_NEED' WHERE work_unit_id = ?"
                        + " AND server_state = 'UNSENT'", wu);
            }
            queue.removeWorkUnits(Set.of(first.workUnitId(), workUnits.get(1)));
            queue.release(sibling); // that request found it not for its host: it must not come back
            assertEquals(2, queue.size());
            List<Long> left = new ArrayList<>();
            for (Optional<DispatchQueue.Candidate> c = queue.take(x -> true); c.isPresent(); c = queue.take(x -> true)) {
                left.add(c.get().workUnitId());
            }
            assertEquals(List.of(workUnits.get(2), workUnits.get(2)), left);
        }
    }

    @Test
    void theFirstQueuedWorkUnitFollowsTakesReleasesAndRemovals() {
        try (Database db = Database.open(tmp)) {
            Jdbc jdbc = db.jdbc();
            List<Long> wu = seed(jdbc, 3);
            DispatchQueue queue = new DispatchQueue(jdbc);
            assertEquals(wu.get(0), queue.firstWorkUnitId());
            DispatchQueue.Candidate a = queue.take(c -> true).orElseThrow();
            DispatchQueue.Candidate b = queue.take(c -> true).orElseThrow();
            assertEquals(List.of(wu.get(0), wu.get(0)), List.of(a.workUnitId(), b.workUnitId()));
            assertEquals(wu.get(1), queue.firstWorkUnitId(), "both replicas of the first are being claimed");
            queue.release(b);
            assertEquals(wu.get(0), queue.firstWorkUnitId(), "one came back");

            // as the database changes in a request's claim and the passes: a refill must not bring them back
            jdbc.update("UPDATE results SET server_state = 'IN_PROGRESS', deadline = ? WHERE id = ?",
                    Instant.now().plusSeconds(3600), a.resultId());
            queue.remove(a.resultId());
            assertEquals(wu.get(0), queue.firstWorkUnitId(), "its sibling is still queued");
            jdbc.update("UPDATE results SET server_state = 'OVER', outcome = 'DIDNT_NEED' WHERE id = ?", b.resultId());
            queue.remove(b.resultId());
            assertEquals(wu.get(1), queue.firstWorkUnitId());
            jdbc.update("UPDATE results SET server_state = 'OVER', outcome = 'DIDNT_NEED' WHERE work_unit_id = ?",
                    wu.get(1));
            queue.removeWorkUnits(Set.of(wu.get(1)));
            assertEquals(wu.get(2), queue.firstWorkUnitId());
            assertEquals(2, queue.size());
        }
    }

    /** H2's plan of the query with every parameter given as {@code value}. */
    private static String plan(Database db, String sql, String value) {
        return String.join("\n", db.jdbc().query("EXPLAIN " + sql.replace("?", value), rs -> rs.getString(1)));
    }

    /** A project with one batch of {@code n} unsent work units of two replicas each; returns the work unit ids. */
    private static List<Long> seed(Jdbc jdbc, int n) {
        return jdbc.inTransaction(c -> {
            Instant now = Instant.now();
            long account = Jdbc.insert(c, "INSERT INTO accounts (email, name, password_hash, created_at)"
                    + " VALUES ('r@example.org', 'r', 'x', ?)", now);
            long project = Jdbc.insert(c, "INSERT INTO projects (owner_id, name, description, created_at)"
                    + " VALUES (?, 'p', 'd', ?)", account, now);
            long batch = Jdbc.insert(c, "INSERT INTO batches (project_id, owner_id, name, app, app_version,"
                    + " parameters, min_quorum, target_results, max_error_results, max_total_results,"
                    + " delay_bound_seconds, files_per_work_unit, file_count, work_unit_count, state, created_at)"
                    + " VALUES (?, ?, 'b', 'app', '1', '{}', 2, 2, 3, 6, 3600, 1, ?, ?, 'IN_PROGRESS', ?)",
                    project, account, n, n, now);
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long wu = insertWorkUnit(c, batch, i, now);
                for (int replica = 0; replica < 2; replica++) {
                    Jdbc.insert(c, "INSERT INTO results (work_unit_id, name, server_state, validate_state,"
                            + " created_at) VALUES (?, ?, 'UNSENT', 'INIT', ?)", wu, "wu" + i + "_" + replica, now);
                }
                ids.add(wu);
            }
            return ids;
        });
    }

    private static long insertWorkUnit(Connection c, long batch, int i, Instant now) throws java.sql.SQLException {
        return Jdbc.insert(c, "INSERT INTO work_units (batch_id, name, state, min_quorum, target_results,"
                + " max_error_results, max_total_results, delay_bound_seconds, estimated_seconds, created_at)"
                + " VALUES (?, ?, 'UNSENT', 2, 2, 3, 6, 3600, 1.0, ?)", batch, "wu" + i, now);
    }
}

package org.sparecycles.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.db.Database;
import org.sparecycles.server.db.Jdbc;

/**
 * The refill walks the index (server_state, deadline, id) in order from the cursor instead of reading and sorting
 * every unsent result (docs/benchmarks.md, "A large backlog of unsent work"): H2's plan for it, on the migrated schema.
 */
class DispatchQueueIndexTest {
    @TempDir
    Path tmp;

    @Test
    void theRefillReadsTheStateIndexInOrderFromTheCursor() {
        try (Database db = Database.open(tmp)) {
            Jdbc jdbc = db.jdbc();
            String plan = String.join("\n", jdbc.query("EXPLAIN " + DispatchQueue.refillSql(DispatchQueue.CAPACITY)
                    .replace("?", "123"), rs -> rs.getString(1)));
            assertTrue(plan.contains("IX_RESULTS_STATE_DEADLINE_ID: ID > "), plan);
            assertTrue(plan.contains("/* index sorted */"), plan);
        }
    }
}

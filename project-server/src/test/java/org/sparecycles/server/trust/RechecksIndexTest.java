package org.sparecycles.server.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.db.Database;

/**
 * The indexes of {@code results} are changed by every INSERT and UPDATE of a result, so each has to earn its keep:
 * the rare recheck of a host's unchecked results goes through the host's results (index on host_id, sent_at) and needs no
 * index of its own (docs/benchmarks.md, "Uploads that write nothing, and one index fewer"). What a recheck does is
 * tested end to end in {@code TrustTest}.
 */
class RechecksIndexTest {
    @TempDir
    Path dataDir;

    @Test
    void theRecheckFindsAHostsResultsThroughTheHostIndexAndResultsHaveNoIndexForIt() {
        try (Database db = Database.open(dataDir)) {
            String plan = String.join("\n", db.jdbc().query("EXPLAIN "
                    + Rechecks.UNCHECKED_OF_HOST.replace("?", "7"), rs -> rs.getString(1)));
            assertTrue(plan.contains("IX_RESULTS_HOST_SENT: HOST_ID = CAST(7 AS BIGINT)"), plan);

            List<String> indexes = db.jdbc().query("SELECT index_name FROM information_schema.indexes"
                    + " WHERE table_name = 'RESULTS' AND index_type_name <> 'PRIMARY KEY' ORDER BY index_name",
                    rs -> rs.getString(1));
            assertTrue(indexes.stream().noneMatch(i -> i.contains("UNCHECKED")), indexes.toString());
            assertEquals(List.of("IX_RESULTS_ACCOUNT_WORK_UNIT", "IX_RESULTS_HOST_SENT", "IX_RESULTS_REPORTED",
                    "IX_RESULTS_STATE_DEADLINE_ID", "IX_RESULTS_VALIDATE", "IX_RESULTS_WORK_UNIT"), indexes,
                    "the indexes of results besides its key (migration 45 dropped those of the host's and the"
                    + " account's foreign keys)");
        }
    }
}

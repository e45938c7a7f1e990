package org.sparecycles.server.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.batches.BatchFiles;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.workunits.protocol.BatchStatus;

class BatchViewTest {
    @TempDir
    Path tmp;

    @Test
    void aMergedOutputMissingFromTheStoreIsShownAsSuchAndTheRestOfThePageStands() throws Exception {
        FileStore store = new FileStore(tmp, false);
        String kept = store.put("{\"count\":3,\"threshold\":100,\"total_area\":30}".getBytes(StandardCharsets.UTF_8))
                .sha256();
        String lost = "ab".repeat(32);
        BatchStatus status = new BatchStatus(1, 1, "b", "particle-count", "1.0", Map.of(), "DONE", 2, 2,
                Map.of("DONE", 2), Map.of(), 1.0, Instant.EPOCH, Instant.EPOCH.plusSeconds(60));
        List<BatchFiles.FileRow> rows = List.of(new BatchFiles.FileRow(0, "a.png", "cd".repeat(32), 10, 1, "DONE", kept,
                null), new BatchFiles.FileRow(1, "b.png", "ef".repeat(32), 10, 2, "DONE", lost, null));

        BatchView view = BatchView.of(status, null, rows, 1, new BatchFiles.Counts(2, 0, 0), store,
                Instant.EPOCH.plusSeconds(120));

        assertEquals(3, view.files().get(0).count());
        assertNull(view.files().get(0).note());
        assertNull(view.files().get(1).count());
        assertEquals("merged output missing from the server's file store", view.files().get(1).note());
    }
}

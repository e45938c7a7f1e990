package org.sparecycles.server.web.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.sparecycles.server.batches.BatchFiles;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.BatchStatus;

/**
 * What the batch page shows: status, per-file state with each merged file's figures, throughput and the
 * estimated time left (from the average rate since submission).
 */
public record BatchView(BatchStatus status, List<FileView> files, int merged, int failed, double filesPerMinute,
                        String timeLeft) {

    /** One input file with its merged figures, when there are any. */
    public record FileView(BatchFiles.FileRow row, Integer count, Integer threshold, Long totalArea) {
        public String state() {
            return row.merged() ? "merged" : row.state().equals("FAILED") ? "failed"
                    : row.state().equals("UNSENT") ? "waiting" : row.state().equals("VALIDATING") ? "validating"
                    : "computing";
        }
    }

    public boolean finished() {
        return !status.state().equals("IN_PROGRESS");
    }

    public int percent() {
        return (int) Math.floor(status.fractionDone() * 100);
    }

    /** Width in percent of one work-unit state in the progress bar. */
    public double share(String state) {
        int n = status.workUnitsByState().getOrDefault(state, 0);
        return status.workUnits() == 0 ? 0 : 100.0 * n / status.workUnits();
    }

    public int units(String state) {
        return status.workUnitsByState().getOrDefault(state, 0);
    }

    static BatchView of(BatchStatus status, List<BatchFiles.FileRow> rows, FileStore store, Instant now) throws IOException {
        List<FileView> files = new ArrayList<>();
        int merged = 0;
        int failed = 0;
        for (BatchFiles.FileRow row : rows) {
            if (row.merged()) {
                merged++;
                JsonNode out = Json.mapper().readTree(store.read(row.outputSha256()));
                files.add(new FileView(row, out.path("count").isNumber() ? out.path("count").asInt() : null,
                        out.path("threshold").isNumber() ? out.path("threshold").asInt() : null,
                        out.path("total_area").isNumber() ? out.path("total_area").asLong() : null));
            } else {
                if (row.state().equals("FAILED")) {
                    failed++;
                }
                files.add(new FileView(row, null, null, null));
            }
        }
        Instant end = status.completed() != null ? status.completed() : now;
        double minutes = Math.max(1.0 / 60, Duration.between(status.created(), end).toMillis() / 60_000.0);
        double rate = merged / minutes;
        int left = rows.size() - merged - failed;
        String timeLeft = status.state().equals("IN_PROGRESS")
                ? (rate > 0 ? "about " + Fmt.duration(Duration.ofSeconds((long) Math.ceil(left / rate * 60))) : "unknown yet")
                : "none";
        return new BatchView(status, files, merged, failed, rate, timeLeft);
    }
}

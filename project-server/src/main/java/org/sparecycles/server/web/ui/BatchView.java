package org.sparecycles.server.web.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.sparecycles.server.batches.BatchFiles;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.workunits.app.ParameterSpec;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.BatchStatus;

/**
 * What the batch page shows: status, parameters in the app's declaration order, per-file state with each merged
 * file's figures, throughput and the estimated time left. While the batch runs, throughput is the files merged in
 * the last {@link #RECENT} when the batch is older than that and any were merged in it, else the average since
 * submission; {@link #rateBasis()} says which.
 */
public record BatchView(BatchStatus status, Map<String, String> parameters, List<FileView> files, int merged,
                        int failed, double filesPerMinute, String rateBasis, String timeLeft) {
    /** The window of the recent throughput. */
    static final Duration RECENT = Duration.ofMinutes(10);

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

    /** Files per minute with two significant figures or so: "12", "3.4", "0.25". */
    public String throughput() {
        double r = filesPerMinute;
        return String.format(Locale.ROOT, r >= 10 ? "%.0f" : r >= 1 ? "%.1f" : "%.2f", r);
    }

    /**
     * @param app          the batch's app, for the order of the parameters; null when it is no longer installed
     * @param recentMerged files merged within {@link #RECENT} before {@code now}
     */
    static BatchView of(BatchStatus status, ScienceApp app, List<BatchFiles.FileRow> rows, int recentMerged,
                        FileStore store, Instant now) throws IOException {
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
        boolean running = status.state().equals("IN_PROGRESS");
        Instant end = status.completed() != null ? status.completed() : now;
        Duration age = Duration.between(status.created(), end);
        double rate;
        String basis;
        if (running && recentMerged > 0 && age.compareTo(RECENT) > 0) {
            rate = recentMerged / (double) RECENT.toMinutes();
            basis = "last " + RECENT.toMinutes() + " minutes";
        } else {
            rate = merged / Math.max(1.0 / 60, age.toMillis() / 60_000.0);
            basis = running ? "average since submission" : "average";
        }
        int left = rows.size() - merged - failed;
        String timeLeft = running
                ? (rate > 0 ? "about " + Fmt.duration(Duration.ofSeconds((long) Math.ceil(left / rate * 60))) : "unknown yet")
                : "none";
        return new BatchView(status, ordered(status.parameters(), app), files, merged, failed, rate, basis, timeLeft);
    }

    /** The parameters in the app's declaration order; any the app does not declare (any more) follow by name. */
    static Map<String, String> ordered(Map<String, String> values, ScienceApp app) {
        Map<String, String> rest = new TreeMap<>(values);
        Map<String, String> out = new LinkedHashMap<>();
        if (app != null) {
            for (ParameterSpec p : app.parameters()) {
                String v = rest.remove(p.name());
                if (v != null) {
                    out.put(p.name(), v);
                }
            }
        }
        out.putAll(rest);
        return out;
    }
}

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
import org.sparecycles.server.db.Paged;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.workunits.app.ParameterSpec;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.BatchStatus;

/**
 * What the batch page shows: status, parameters in the app's declaration order, one page of the files (each merged
 * file with its figures), throughput and the estimated time left. While the batch runs, throughput is the files
 * merged in the last {@link #RECENT} when the batch is older than that and any were merged in it, else the average
 * since submission; {@link #rateBasis()} says which. Only the page's merged outputs are read, so the page costs the
 * same for a batch of ten files and of a hundred thousand.
 */
public record BatchView(BatchStatus status, Map<String, String> parameters, List<FileView> files, int page,
                        int pageCount, int merged, int failed, double filesPerMinute, String rateBasis,
                        String timeLeft) {
    /** Files on one page of the batch page. */
    public static final int PAGE_SIZE = 100;

    /** The window of the recent throughput. */
    static final Duration RECENT = Duration.ofMinutes(10);

    /** One input file with its merged figures, when there are any; {@code note}: its failure or a missing output. */
    public record FileView(BatchFiles.FileRow row, Integer count, Integer threshold, Long totalArea, String note) {
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

    /** Whether any file on the page is merged (and so has an outlined image). */
    public boolean anyMergedOnPage() {
        return files.stream().anyMatch(f -> f.row().merged());
    }

    /** The first file number (from 1) on the page. */
    public long firstOnPage() {
        return (long) (page - 1) * PAGE_SIZE + 1;
    }

    /** The last file number on the page. */
    public long lastOnPage() {
        return Math.min((long) page * PAGE_SIZE, status.files());
    }

    /**
     * @param app          the batch's app, for the order of the parameters; null when it is no longer installed
     * @param rows         the files of page {@code page} (empty when only the progress is shown)
     * @param counts       merged and failed files of the whole batch, and those merged within {@link #RECENT}
     */
    static BatchView of(BatchStatus status, ScienceApp app, List<BatchFiles.FileRow> rows, int page,
                        BatchFiles.Counts counts, FileStore store, Instant now) throws IOException {
        List<FileView> files = new ArrayList<>();
        for (BatchFiles.FileRow row : rows) {
            byte[] output = row.merged() ? store.readIfPresent(row.outputSha256()).orElse(null) : null;
            if (output != null) {
                JsonNode out = Json.mapper().readTree(output);
                files.add(new FileView(row, out.path("count").isNumber() ? out.path("count").asInt() : null,
                        out.path("threshold").isNumber() ? out.path("threshold").asInt() : null,
                        out.path("total_area").isNumber() ? out.path("total_area").asLong() : null, row.error()));
            } else {
                files.add(new FileView(row, null, null, null,
                        row.merged() ? "merged output " + FileStore.MISSING : row.error()));
            }
        }
        int merged = counts.merged();
        int failed = counts.failed();
        int recentMerged = counts.mergedRecently();
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
        int left = status.files() - merged - failed;
        String timeLeft = running
                ? (rate > 0 ? "about " + Fmt.duration(Duration.ofSeconds((long) Math.ceil(left / rate * 60))) : "unknown yet")
                : "none";
        return new BatchView(status, ordered(status.parameters(), app), files, page,
                Paged.pageCount(status.files(), PAGE_SIZE), merged,
                failed, rate, basis, timeLeft);
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

package org.sparecycles.server.assimilation;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.server.lifecycle.PassCursor;
import org.sparecycles.server.lifecycle.WorkShares;
import org.sparecycles.server.lifecycle.WorkUnitTransitions;
import org.sparecycles.workunits.json.CanonicalJson;

/**
 * Merges each work unit's canonical output into its batch: the per-file entries of the output's {@code files}
 * array are stored (content-addressed) and linked to the batch's input files, then the work unit is DONE. A
 * batch whose work units are all DONE or FAILED becomes DONE. Runs only on the background thread.
 */
public final class Assimilator {
    private static final Logger LOG = LoggerFactory.getLogger(Assimilator.class);

    private final Jdbc jdbc;
    private final PassCursor cursor = new PassCursor();
    private final FileStore files;
    private final Clock clock;
    private final WorkShares shares;

    /** @param shares the threads a pass spreads its work units over */
    public Assimilator(Jdbc jdbc, FileStore files, Clock clock, WorkShares shares) {
        this.shares = shares;
        this.jdbc = jdbc;
        this.files = files;
        this.clock = clock;
    }

    /** Work units merged in one transaction; a commit per work unit was most of a pass's time on H2. */
    static final int WORK_UNITS_PER_TRANSACTION = 100;

    /**
     * Most bytes of canonical output merged in one transaction (one work unit at least, whatever its size): a group's
     * per-file results are held in memory until they are stored, on each of the passes' threads, so a backlog of
     * large outputs (after a restart, or while scheduler requests had the processors) must not be taken in at once.
     */
    static final long OUTPUT_BYTES_PER_TRANSACTION = 8L << 20;

    /** A validated work unit to merge: its canonical output's hash and size. */
    private record Validated(long id, String outputSha256, long outputSize, long canonicalResultId) {
    }

    /**
     * What merging one work unit comes to: its per-file results (to store, then link by their hashes), or why it
     * failed.
     */
    private record Merge(long workUnit, List<Long> inputs, List<byte[]> entries, List<String> perFile,
                         String problem) {
        Merge stored(List<String> hashes) {
            return new Merge(workUnit, inputs, entries, hashes, problem);
        }
    }

    /**
     * One pass: merge at most {@value PassCursor#LIMIT} validated work units, after where the pass before stopped
     * ({@link PassCursor}), then close finished batches; returns whether more may be waiting. Work units are merged
     * {@value #WORK_UNITS_PER_TRANSACTION} to a transaction; when such a group fails, its work units are merged again
     * one to a transaction, so one bad work unit cannot hold up the others.
     */
    public boolean runPass() {
        // in the order of the index (state, canonical_result_id, id), so the database reads only the rows it returns;
        // the cursor follows the canonical result ids, the merges go in work unit order, as every transaction's locks
        List<Validated> waiting = new ArrayList<>(cursor.advance(jdbc.query("SELECT w.id, r.output_sha256,"
                + " r.output_size, w.canonical_result_id FROM work_units w"
                + " JOIN results r ON r.id = w.canonical_result_id WHERE w.state = 'VALIDATING'"
                + " AND w.canonical_result_id > ? ORDER BY w.state, w.canonical_result_id LIMIT ?",
                rs -> new Validated(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4)), cursor.after(),
                cursor.limit()), Validated::canonicalResultId));
        waiting.sort(Comparator.comparingLong(Validated::id));
        // batches are closed once every share is merged, so two threads cannot each leave the closing to the other
        shares.run(waiting, Validated::id, this::mergeAll);
        Instant now = clock.instant();
        for (long batch : jdbc.query("SELECT b.id FROM batches b WHERE b.state = 'IN_PROGRESS' AND NOT EXISTS"
                + " (SELECT 1 FROM work_units w WHERE w.batch_id = b.id AND w.state NOT IN ('DONE', 'FAILED'))",
                rs -> rs.getLong(1))) {
            if (jdbc.updateNotYetDurable("UPDATE batches SET state = 'DONE', completed_at = ? WHERE id = ?"
                    + " AND state = 'IN_PROGRESS'",
                    now, batch) == 1) {
                LOG.info("batch {} done", batch);
            }
        }
        return cursor.more();
    }

    /**
     * Merges the work units, {@value #WORK_UNITS_PER_TRANSACTION} or {@value #OUTPUT_BYTES_PER_TRANSACTION} bytes of
     * output to a transaction, whichever comes first.
     */
    private void mergeAll(List<Validated> waiting) {
        long[] outputSizes = waiting.stream().mapToLong(Validated::outputSize).toArray();
        for (int from = 0, to; from < waiting.size(); from = to) {
            to = groupEnd(outputSizes, from);
            List<Validated> group = waiting.subList(from, to);
            Map<Long, List<Long>> inputs = inputsOf(group);
            List<Merge> merges = store(group.stream().map(wu -> merge(wu, inputs.getOrDefault(wu.id(), List.of())))
                    .toList());
            Instant now = clock.instant();
            try {
                jdbc.inTransactionNotYetDurable(c -> {
                    for (Merge m : merges) {
                        apply(c, m, now);
                    }
                    return null;
                });
            } catch (RuntimeException groupFailed) {
                for (Merge m : merges) {
                    try {
                        jdbc.inTransactionNotYetDurable(c -> {
                            apply(c, m, now);
                            return null;
                        });
                    } catch (RuntimeException e) {
                        LOG.warn("work unit {}: cannot record its merge ({}); trying again at the next pass",
                                m.workUnit(), e.getMessage());
                    }
                }
            }
        }
    }

    /**
     * Where the transaction's group that starts at {@code from} ends (exclusive): at most
     * {@value #WORK_UNITS_PER_TRANSACTION} work units and {@value #OUTPUT_BYTES_PER_TRANSACTION} bytes of output, one
     * work unit at least.
     */
    static int groupEnd(long[] outputSizes, int from) {
        long bytes = outputSizes[from];
        int to = from + 1;
        while (to < outputSizes.length && to - from < WORK_UNITS_PER_TRANSACTION
                && bytes + outputSizes[to] <= OUTPUT_BYTES_PER_TRANSACTION) {
            bytes += outputSizes[to++];
        }
        return to;
    }

    /** The input files of the group's work units, in submission order, by work unit: one query for the group. */
    private Map<Long, List<Long>> inputsOf(List<Validated> group) {
        Set<Long> ids = new HashSet<>();
        group.forEach(v -> ids.add(v.id()));
        Map<Long, List<Long>> out = new HashMap<>();
        for (long[] f : jdbc.query("SELECT work_unit_id, id FROM batch_files WHERE work_unit_id BETWEEN ? AND ?"
                + " ORDER BY work_unit_id, seq", rs -> new long[] {rs.getLong(1), rs.getLong(2)},
                group.get(0).id(), group.get(group.size() - 1).id())) {
            if (ids.contains(f[0])) {
                out.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1]);
            }
        }
        return out;
    }

    /** Reads one work unit's canonical output and splits it into its per-file results. */
    private Merge merge(Validated wu, List<Long> inputs) {
        List<byte[]> entries = new ArrayList<>();
        try {
            JsonNode fileResults = CanonicalJson.read(files.read(wu.outputSha256())).path("files");
            if (!fileResults.isArray() || fileResults.size() != inputs.size()) {
                return new Merge(wu.id(), inputs, entries, List.of(), "canonical output lists " + fileResults.size()
                        + " files, the work unit has " + inputs.size());
            }
            for (JsonNode entry : fileResults) {
                entries.add(CanonicalJson.write(entry));
            }
            return new Merge(wu.id(), inputs, entries, List.of(), null);
        } catch (IOException | RuntimeException e) {
            return new Merge(wu.id(), inputs, entries, List.of(), "canonical output cannot be read: " + e.getMessage());
        }
    }

    /**
     * Stores the per-file results of a group's merges in one go (on PostgreSQL the store fsyncs them together,
     * not one after another). When the store cannot take them now (e.g. the disk is full), that is not the work
     * units' fault: they stay VALIDATING and the next pass tries again; only the failed merges go on.
     */
    private List<Merge> store(List<Merge> merges) {
        List<byte[]> all = new ArrayList<>();
        merges.stream().filter(m -> m.problem() == null).forEach(m -> all.addAll(m.entries()));
        List<FileStore.StoredFile> stored;
        try {
            stored = files.putAll(all);
        } catch (IOException e) {
            LOG.warn("cannot store the merged results of {} work units ({}); trying again at the next pass",
                    merges.size(), e.getMessage());
            return merges.stream().filter(m -> m.problem() != null).toList();
        }
        List<Merge> out = new ArrayList<>();
        int next = 0;
        for (Merge m : merges) {
            if (m.problem() != null) {
                out.add(m);
                continue;
            }
            List<String> hashes = new ArrayList<>();
            for (int i = 0; i < m.entries().size(); i++) {
                hashes.add(stored.get(next++).sha256());
            }
            out.add(m.stored(hashes));
        }
        return out;
    }

    private static void apply(Connection c, Merge m, Instant now) throws SQLException {
        if (m.problem() != null) {
            if (WorkUnitTransitions.failed(c, m.workUnit(), m.problem(), now)) {
                LOG.warn("work unit {} failed in assimilation: {}", m.workUnit(), m.problem());
            }
        } else if (WorkUnitTransitions.merged(c, m.workUnit(), now)) {
            link(c, m.inputs(), m.perFile());
        }
    }

    private static void link(Connection c, List<Long> inputs, List<String> perFile) throws SQLException {
        for (int i = 0; i < inputs.size(); i++) {
            Jdbc.update(c, "UPDATE batch_files SET output_sha256 = ? WHERE id = ?", perFile.get(i), inputs.get(i));
        }
    }
}

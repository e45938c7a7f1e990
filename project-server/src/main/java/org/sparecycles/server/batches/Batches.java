package org.sparecycles.server.batches;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.sparecycles.server.accounts.Accounts;
import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.db.CostlyValues;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.error.ForbiddenException;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.server.error.NotFoundException;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.server.files.FileStore.StoredFile;
import org.sparecycles.server.lifecycle.WorkUnitState;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.BatchSubmission;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * Batches: submission (checked whole, then stored in one transaction and cut into work units), status and
 * merged results. Used by the HTTP API and directly by embedders such as the demo. Thread-safe.
 */
public final class Batches {
    private final Jdbc jdbc;
    private final FileStore files;
    private final Accounts accounts;
    private final BatchIntake intake;
    private final Clock clock;
    private final CostlyValues<Long, Counts> countCache = new CostlyValues<>(System::nanoTime);

    public Batches(Jdbc jdbc, FileStore files, Accounts accounts, AppRegistry apps, Clock clock) {
        this.jdbc = jdbc;
        this.files = files;
        this.accounts = accounts;
        this.intake = new BatchIntake(apps);
        this.clock = clock;
    }

    /**
     * Submits a batch for an account, as {@code POST /batches} does.
     *
     * @param files input files in submission order (names must be distinct)
     * @throws InvalidRequestException listing every problem (unknown project or app, parameter out of range,
     *                                 inconsistent policy, no files, a file the app cannot read); nothing stored
     * @throws ForbiddenException      when the project belongs to another account (admins may use any)
     */
    public BatchStatus submit(long accountId, long projectId, String name, String appId, Map<String, String> parameters,
                              RedundancyPolicy policy, int filesPerWorkUnit, List<InputFile> files) {
        return submit(accountId, new BatchSubmission(projectId, name, appId, parameters, policy, filesPerWorkUnit),
                files.stream().map(BatchInput::of).toList(), List.of());
    }

    /**
     * Submits a batch; {@code earlierProblems} are problems already found while reading the upload (for example
     * an unreadable zip) and are answered together with the rest.
     */
    public BatchStatus submit(long accountId, BatchSubmission submission, List<BatchInput> inputs,
                              List<String> earlierProblems) {
        List<String> problems = new ArrayList<>(earlierProblems);
        Optional<Long> owner = jdbc.queryOne("SELECT owner_id FROM projects WHERE id = ?", rs -> rs.getLong(1),
                submission.projectId());
        if (owner.isEmpty()) {
            problems.add("projectId: no project " + submission.projectId());
        } else if (owner.get() != accountId && !accounts.find(accountId).map(Caller::isAdmin).orElse(false)) {
            throw new ForbiddenException("forbidden", "project " + submission.projectId() + " belongs to another account");
        }
        BatchIntake.Checked batch = intake.check(submission.name(), submission.app(), submission.parameters(),
                submission.policy(), submission.filesPerWorkUnit(), inputs, problems);
        InvalidRequestException.throwIfAny("invalid_batch", "the batch was not accepted", problems);
        List<StoredFile> stored = new ArrayList<>();
        try {
            for (BatchInput f : batch.files()) {
                try (java.io.InputStream in = f.open()) {
                    stored.add(files.put(in));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store input files", e);
        }
        Instant now = clock.instant();
        long id = jdbc.inTransaction(c -> {
            RedundancyPolicy p = batch.policy();
            long batchId = Jdbc.insert(c, "INSERT INTO batches (project_id, owner_id, name, app, app_version, parameters,"
                    + " min_quorum, target_results, max_error_results, max_total_results, delay_bound_seconds,"
                    + " files_per_work_unit, file_count, work_unit_count, state, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'IN_PROGRESS', ?)",
                    submission.projectId(), accountId, batch.name(), batch.app().id(), batch.app().version(),
                    toJson(batch.parameters().asText()), p.minQuorum(), p.targetResults(), p.maxErrorResults(),
                    p.maxTotalResults(), p.delayBoundSeconds(), batch.filesPerWorkUnit(), stored.size(), now);
            int units = WorkGenerator.generate(c, batchId, batch, stored, now);
            Jdbc.update(c, "UPDATE batches SET work_unit_count = ? WHERE id = ?", units, batchId);
            return batchId;
        });
        return status(id);
    }

    /** @throws NotFoundException for an unknown id */
    public BatchStatus status(long batchId) {
        return jdbc.withConnection(c -> status(c, batchId)).orElseThrow(() -> notFound(batchId));
    }

    /** The caller's batches, or every batch for an admin; newest first. */
    public List<BatchStatus> list(Caller caller) {
        return jdbc.withConnection(c -> {
            List<Long> ids = caller.isAdmin()
                    ? Jdbc.query(c, "SELECT id FROM batches ORDER BY id DESC", rs -> rs.getLong(1))
                    : Jdbc.query(c, "SELECT id FROM batches WHERE owner_id = ? ORDER BY id DESC", rs -> rs.getLong(1),
                            caller.accountId());
            List<BatchStatus> out = new ArrayList<>();
            for (long id : ids) {
                status(c, id).ifPresent(out::add);
            }
            return out;
        });
    }

    /**
     * Checks that the caller may see the batch.
     *
     * @throws NotFoundException  for an unknown id
     * @throws ForbiddenException unless the caller owns it or is an admin
     */
    public void checkAccess(Caller caller, long batchId) {
        long owner = jdbc.queryOne("SELECT owner_id FROM batches WHERE id = ?", rs -> rs.getLong(1), batchId)
                .orElseThrow(() -> notFound(batchId));
        if (owner != caller.accountId() && !caller.isAdmin()) {
            throw new ForbiddenException("forbidden", "batch " + batchId + " belongs to another account");
        }
    }

    /**
     * Aborts a batch: every work unit not finished fails with the reason "batch aborted", unsent results are
     * dropped, and hosts holding results are told to cancel them at their next request. Merged files stay.
     *
     * @return false when the batch was not in progress
     */
    public boolean abort(Caller caller, long batchId) {
        checkAccess(caller, batchId);
        Instant now = clock.instant();
        boolean aborted = jdbc.inTransaction(c -> {
            if (Jdbc.update(c, "UPDATE batches SET state = 'ABORTED', completed_at = ? WHERE id = ?"
                    + " AND state = 'IN_PROGRESS'", now, batchId) == 0) {
                return false;
            }
            for (long wu : Jdbc.query(c, "SELECT id FROM work_units WHERE batch_id = ? AND state NOT IN ('DONE', 'FAILED')",
                    rs -> rs.getLong(1), batchId)) {
                org.sparecycles.server.lifecycle.WorkUnitTransitions.failed(c, wu, "batch aborted by its owner", now);
                org.sparecycles.server.lifecycle.ResultTransitions.unsentNotNeeded(c, wu);
            }
            return true;
        });
        countCache.forget(batchId); // its work units failed just now
        return aborted;
    }

    /**
     * Retires a finished (DONE or ABORTED) batch: the researcher has what they need; it leaves the list of active
     * batches. Results stay downloadable.
     *
     * @return false when the batch is still in progress or already retired
     */
    public boolean retire(Caller caller, long batchId) {
        checkAccess(caller, batchId);
        return jdbc.update("UPDATE batches SET state = 'RETIRED' WHERE id = ? AND state IN ('DONE', 'ABORTED')",
                batchId) == 1;
    }

    /**
     * Writes the merged results as JSON ({@code results.json}) to {@code out}, as they are read; files not finished
     * yet show {@code "pending": true}.
     *
     * @throws NotFoundException for an unknown id, before anything is written
     */
    public void resultsJson(long batchId, OutputStream out) throws IOException {
        BatchStatus s = status(batchId);
        MergedResults.json(batchId, s.app(), s.appVersion(), new TreeMap<>(s.parameters()), fileEntries(batchId), files,
                out);
    }

    /**
     * Writes the merged results as CSV ({@code results.csv}) to {@code out}: one row per object of every merged file.
     *
     * @throws NotFoundException for an unknown id, before anything is written
     */
    public void resultsCsv(long batchId, OutputStream out) throws IOException {
        status(batchId);
        MergedResults.csv(fileEntries(batchId), files, out);
    }

    private List<MergedResults.FileEntry> fileEntries(long batchId) {
        return jdbc.query("SELECT f.name, f.output_sha256, w.error_reason FROM batch_files f"
                + " JOIN work_units w ON w.id = f.work_unit_id WHERE f.batch_id = ? ORDER BY f.seq",
                rs -> new MergedResults.FileEntry(rs.getString(1), rs.getString(2), rs.getString(3)), batchId);
    }

    /** A batch's work units and results by state: what makes its status costly for a large batch. */
    private record Counts(Map<String, Integer> units, Map<String, Integer> results) {
    }

    private Optional<BatchStatus> status(Connection c, long id) throws SQLException {
        Optional<BatchStatus> base = Jdbc.queryOne(c, "SELECT * FROM batches WHERE id = ?", Batches::row, id);
        if (base.isEmpty()) {
            return base;
        }
        // counting a million work units and their results takes seconds; such counts are reused for a while
        // (CostlyValues), the batch's own row is read every time
        Counts counts = countCache.get(id, () -> {
            try {
                return counts(c, id);
            } catch (SQLException e) {
                throw new Jdbc.DataAccessException(e);
            }
        });
        BatchStatus b = base.get();
        Map<String, Integer> units = counts.units();
        int finished = units.get("DONE") + units.get("FAILED");
        double fraction = b.workUnits() == 0 ? 0 : (double) finished / b.workUnits();
        return Optional.of(new BatchStatus(b.id(), b.projectId(), b.name(), b.app(), b.appVersion(), b.parameters(),
                b.state(), b.files(), b.workUnits(), units, counts.results(), fraction, b.created(), b.completed()));
    }

    private static Counts counts(Connection c, long id) throws SQLException {
        Map<String, Integer> units = new LinkedHashMap<>();
        for (WorkUnitState s : WorkUnitState.values()) {
            units.put(s.name(), 0);
        }
        Jdbc.query(c, "SELECT state, COUNT(*) FROM work_units WHERE batch_id = ? GROUP BY state",
                rs -> units.put(rs.getString(1), rs.getInt(2)), id);
        Map<String, Integer> results = new TreeMap<>();
        Jdbc.query(c, "SELECT r.server_state, r.outcome, COUNT(*) FROM results r JOIN work_units w"
                + " ON w.id = r.work_unit_id WHERE w.batch_id = ? GROUP BY r.server_state, r.outcome",
                rs -> results.put(rs.getString(2) == null ? rs.getString(1) : rs.getString(2), rs.getInt(3)), id);
        return new Counts(units, results);
    }

    private static BatchStatus row(ResultSet rs) throws SQLException {
        return new BatchStatus(rs.getLong("id"), rs.getLong("project_id"), rs.getString("name"), rs.getString("app"),
                rs.getString("app_version"), fromJson(rs.getString("parameters")), rs.getString("state"),
                rs.getInt("file_count"), rs.getInt("work_unit_count"), Map.of(), Map.of(), 0,
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "completed_at"));
    }

    private static String toJson(Map<String, String> parameters) {
        try {
            return Json.mapper().writeValueAsString(new TreeMap<>(parameters));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> fromJson(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored parameters are not JSON: " + json, e);
        }
    }

    private static NotFoundException notFound(long batchId) {
        return new NotFoundException("not_found", "no batch " + batchId);
    }
}

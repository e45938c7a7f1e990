package org.sparecycles.server.web.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.batches.BatchFiles;
import org.sparecycles.server.batches.BatchInput;
import org.sparecycles.server.batches.Batches;
import org.sparecycles.server.batches.InputFiles;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.server.db.Paged;
import org.sparecycles.server.error.NotFoundException;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.BatchSubmission;
import org.sparecycles.workunits.protocol.ProjectInfo;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * The researcher's pages: the list of their batches, the new-batch form with its parameter fields and preview,
 * the batch page with live progress, results, downloads and outlined images, abort and retire.
 */
final class BatchPages {
    private BatchPages() {
    }

    static void register(WebUi ui) {
        WebUi.Services s = ui.services();
        Batches batches = s.batches();
        BatchFiles files = new BatchFiles(s.jdbc());
        Preview previews = new Preview();
        ui.get("/batches", ex -> ex.render(200, "batches/list.jte", "batches", batches.list(ex.require(Role.RESEARCHER))));
        ui.get("/batches/new", ex -> {
            Caller caller = ex.require(Role.RESEARCHER);
            BatchDraft draft = new BatchDraft(ex.queryLong("project", 0), "", "", Map.of(), 2, 2, 24);
            newForm(ex, ui, caller, draft, List.of(), 200);
        });
        ui.get("/batches/new/parameters", ex -> {
            ex.require(Role.RESEARCHER);
            ex.render(200, "batches/parameters.jte", "app", app(ui, ex.param("app")), "values", Map.of());
        });
        ui.post("/batches/preview", ex -> {
            ex.require(Role.RESEARCHER);
            preview(ui, ex, ex.form(), previews);
        });
        ui.post("/batches", ex -> submit(ui, ex));
        ui.get("/batches/{id}", ex -> {
            BatchStatus status = owned(ex, batches);
            ex.render(200, "batches/page.jte", "view", view(ui, files, status, page(ex, status)));
        });
        ui.get("/batches/{id}/progress", ex -> {
            BatchStatus status = owned(ex, batches);
            ex.render(200, "batches/progress.jte", "view", view(ui, files, status, 0));
        });
        ui.get("/batches/{id}/files", ex -> {
            BatchStatus status = owned(ex, batches);
            ex.render(200, "batches/files.jte", "view", view(ui, files, status, page(ex, status)));
        });
        ui.get("/batches/{id}/files/{seq}", ex -> {
            BatchStatus status = owned(ex, batches);
            BatchFiles.FileRow row = file(ex, files, status);
            JsonNode output = row.merged() ? Json.mapper().readTree(stored(s, row.outputSha256(), row, "merged output"))
                    : null;
            List<String> columns = new ArrayList<>();
            List<List<String>> objects = new ArrayList<>();
            if (output != null) {
                for (JsonNode o : output.path("objects")) {
                    if (columns.isEmpty()) {
                        o.fieldNames().forEachRemaining(columns::add);
                    }
                    objects.add(columns.stream().map(c -> o.path(c).asText()).toList());
                }
            }
            ex.render(200, "batches/file.jte", "batch", status, "file", row, "output", output, "columns", columns,
                    "objects", objects);
        });
        ui.get("/batches/{id}/results.csv", ex -> {
            BatchStatus status = owned(ex, batches);
            ex.header("Content-Disposition", "attachment; filename=\"batch-" + status.id() + "-results.csv\"");
            ex.stream(200, "text/csv; charset=utf-8", out -> batches.resultsCsv(status.id(), out));
        });
        ui.get("/batches/{id}/results.json", ex -> {
            BatchStatus status = owned(ex, batches);
            ex.header("Content-Disposition", "attachment; filename=\"batch-" + status.id() + "-results.json\"");
            ex.stream(200, "application/json; charset=utf-8", out -> batches.resultsJson(status.id(), out));
        });
        ui.get("/batches/{id}/files/{seq}/outlined.png", ex -> {
            BatchStatus status = owned(ex, batches);
            BatchFiles.FileRow row = file(ex, files, status);
            JsonNode output = row.merged() ? Json.mapper().readTree(stored(s, row.outputSha256(), row, "merged output"))
                    : null;
            byte[] image = stored(s, row.sha256(), row, "input image");
            ex.header("Cache-Control", row.merged() ? "private, max-age=86400" : "no-store");
            ex.bytes(200, "image/png", OutlinedImage.png(row.name(), image, output));
        });
        ui.post("/batches/{id}/abort", ex -> {
            Caller caller = ex.require(Role.RESEARCHER);
            ex.form();
            batches.abort(caller, ex.pathLong("id"));
            ex.redirect("/batches/" + ex.pathLong("id"));
        });
        ui.post("/batches/{id}/retire", ex -> {
            Caller caller = ex.require(Role.RESEARCHER);
            ex.form();
            batches.retire(caller, ex.pathLong("id"));
            ex.redirect("/batches/" + ex.pathLong("id"));
        });
    }

    /** A file of the batch from the store; 404 naming it when the store no longer holds it. */
    private static byte[] stored(WebUi.Services s, String sha256, BatchFiles.FileRow row, String what)
            throws java.io.IOException {
        return s.files().readIfPresent(sha256).orElseThrow(() -> new NotFoundException("not_found",
                row.name() + ": its " + what + " (" + sha256 + ") is " + FileStore.MISSING));
    }

    /** The page of files asked for ({@code ?page=}, from 1), within the batch's pages. */
    private static int page(WebExchange ex, BatchStatus status) {
        return Paged.clamp(ex.queryLong("page", 1), status.files(), BatchView.PAGE_SIZE);
    }

    /** The batch page's view with the files of {@code page}, or with none when {@code page} is 0. */
    private static BatchView view(WebUi ui, BatchFiles files, BatchStatus status, int page) throws Exception {
        Instant now = ui.clock().instant();
        List<BatchFiles.FileRow> rows = page == 0 ? List.of()
                : files.page(status.id(), (long) (page - 1) * BatchView.PAGE_SIZE, BatchView.PAGE_SIZE);
        return BatchView.of(status, ui.services().apps().find(status.app()).orElse(null), rows, Math.max(1, page),
                files.counts(status.id(), now.minus(BatchView.RECENT)), ui.services().files(), now);
    }

    private static BatchFiles.FileRow file(WebExchange ex, BatchFiles files, BatchStatus status) {
        int seq = (int) ex.pathLong("seq");
        return files.find(status.id(), seq)
                .orElseThrow(() -> new NotFoundException("not_found", "no file " + seq + " in batch " + status.id()));
    }

    private static BatchStatus owned(WebExchange ex, Batches batches) {
        Caller caller = ex.require(Role.RESEARCHER);
        long id = ex.pathLong("id");
        batches.checkAccess(caller, id);
        return batches.status(id);
    }

    private static void newForm(WebExchange ex, WebUi ui, Caller caller, BatchDraft draft, List<String> problems, int status)
            throws Exception {
        List<ProjectInfo> projects = caller.isAdmin() ? ui.services().projects().list()
                : ui.services().projects().ownedBy(caller.accountId());
        List<ScienceApp> apps = List.copyOf(ui.services().apps().all());
        ScienceApp app = draft.app().isEmpty() ? apps.get(0) : app(ui, draft.app());
        ex.render(status, "batches/new.jte", "projects", projects, "apps", apps, "app", app, "draft", draft,
                "problems", problems);
    }

    private static ScienceApp app(WebUi ui, String id) {
        return ui.services().apps().find(id)
                .orElseThrow(() -> new InvalidRequestException("invalid_request", "app: unknown app '" + id + "'"));
    }

    private static BatchDraft draft(Form form) {
        Integer quorum = form.integer("min_quorum", 2);
        Integer target = form.integer("target_results", 2);
        Integer hours = form.integer("deadline_hours", 24);
        long project;
        try {
            project = Long.parseLong(form.text("project"));
        } catch (NumberFormatException e) {
            project = 0;
        }
        return new BatchDraft(project, form.text("name"), form.text("app"), form.withPrefix("param."),
                quorum == null ? -1 : quorum, target == null ? -1 : target, hours == null ? -1 : hours);
    }

    private static void submit(WebUi ui, WebExchange ex) throws Exception {
        Caller caller = ex.require(Role.RESEARCHER);
        Form form = ex.form();
        BatchDraft draft = draft(form);
        List<String> problems = new ArrayList<>();
        if (draft.minQuorum() < 0 || draft.targetResults() < 0 || draft.deadlineHours() < 0) {
            problems.add("redundancy and deadline: whole numbers, please");
        }
        if (draft.deadlineHours() == 0) {
            problems.add("deadline: at least 1 hour");
        }
        try (InputFiles inputs = inputs(ui, form, problems)) {
            submit(ui, ex, caller, draft, inputs.files(), problems);
        }
    }

    private static void submit(WebUi ui, WebExchange ex, Caller caller, BatchDraft draft, List<BatchInput> inputs,
                               List<String> problems) throws Exception {
        RedundancyPolicy policy = new RedundancyPolicy(Math.max(draft.minQuorum(), 0), Math.max(draft.targetResults(), 0),
                0, 0, Math.max(draft.deadlineHours(), 0) * 3600L);
        BatchSubmission submission = new BatchSubmission(draft.projectId(), draft.name(), draft.app(), draft.parameters(),
                policy, 1);
        try {
            if (draft.projectId() == 0) {
                problems.add("project: choose one (create a project first if you have none)");
            }
            BatchStatus status = ui.services().batches().submit(caller.accountId(), submission, inputs, problems);
            ex.redirect("/batches/" + status.id());
        } catch (InvalidRequestException e) {
            newForm(ex, ui, caller, draft, e.problems(), 400);
        }
    }

    /**
     * The uploaded files, zips unpacked, staged on disk (the caller closes them); problems with a zip are added to
     * {@code problems}.
     */
    private static InputFiles inputs(WebUi ui, Form form, List<String> problems) throws Exception {
        InputFiles inputs = InputFiles.create(ui.services().uploadTemp(), ui.services().maxBatchBytes());
        try {
            for (Form.Upload u : form.uploads("files")) {
                try (InputStream in = u.open()) {
                    inputs.add(u.fileName(), in, problems);
                }
            }
            return inputs;
        } catch (Exception | Error e) {
            inputs.close();
            throw e;
        }
    }

    /** Runs the app on the first uploaded image (bounded, see {@link Preview}) and shows what it found, outlined. */
    private static void preview(WebUi ui, WebExchange ex, Form form, Preview previews) throws Exception {
        List<String> problems = new ArrayList<>();
        try (InputFiles staged = inputs(ui, form, problems)) {
            preview(ui, ex, form, previews, staged.files(), problems);
        }
    }

    private static void preview(WebUi ui, WebExchange ex, Form form, Preview previews, List<BatchInput> inputs,
                                List<String> problems) throws Exception {
        ScienceApp app = app(ui, form.text("app"));
        Preview.Outcome outcome = null;
        if (inputs.isEmpty()) {
            problems.add("files: choose at least one image to preview");
        } else {
            outcome = previews.run(app, form.withPrefix("param."), inputs.get(0).read());
            problems.addAll(outcome.problems());
        }
        ex.render(200, "batches/preview.jte", "file", inputs.isEmpty() ? "" : inputs.get(0).name(), "fileCount",
                inputs.size(), "result", outcome == null ? null : outcome.result(), "image",
                outcome == null ? null : outcome.image(), "problems", problems);
    }
}

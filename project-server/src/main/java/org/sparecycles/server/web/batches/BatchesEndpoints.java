package org.sparecycles.server.web.batches;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.undertow.server.handlers.form.FormData;
import io.undertow.server.handlers.form.FormDataParser;
import io.undertow.server.handlers.form.FormParserFactory;
import io.undertow.server.handlers.form.MultiPartParserDefinition;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.batches.Batches;
import org.sparecycles.server.batches.InputFiles;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.server.web.ApiExchange;
import org.sparecycles.server.web.ErrorResponses;
import org.sparecycles.server.web.Routes;
import org.sparecycles.workunits.protocol.BatchSubmission;

/**
 * Batch endpoints. {@code POST /batches} reads {@code multipart/form-data}: a {@code batch} part with the
 * {@link BatchSubmission} JSON and {@code file} parts (images or zips of images); the body may be at most
 * {@code max.batch.bytes}. Problems with the JSON or the parts are collected and answered together with the
 * batch's own problems.
 */
public final class BatchesEndpoints {
    private BatchesEndpoints() {
    }

    public static void register(Routes routes, Batches batches, long maxBatchBytes, Path uploadTemp) {
        MultiPartParserDefinition multipart = new MultiPartParserDefinition(uploadTemp)
                .setDefaultEncoding(StandardCharsets.UTF_8.name());
        multipart.setMaxIndividualFileSize(maxBatchBytes);
        multipart.setFileSizeThreshold(0); // every file part to disk: the heap holds no upload, whatever its files' sizes
        FormParserFactory forms = FormParserFactory.builder(false).addParsers(multipart).build();
        routes.post("/batches", ex -> submit(ex, researcher(ex), batches, forms, maxBatchBytes, uploadTemp));
        routes.get("/batches", ex -> ex.json(200, batches.list(researcher(ex))));
        routes.get("/batches/{id}", ex -> {
            long id = ex.pathLong("id");
            batches.checkAccess(researcher(ex), id);
            ex.json(200, batches.status(id));
        });
        routes.get("/batches/{id}/results.json", ex -> {
            long id = ex.pathLong("id");
            batches.checkAccess(researcher(ex), id);
            ex.stream(200, "application/json; charset=utf-8", out -> batches.resultsJson(id, out));
        });
        routes.get("/batches/{id}/results.csv", ex -> {
            long id = ex.pathLong("id");
            batches.checkAccess(researcher(ex), id);
            ex.responseHeader("Content-Disposition", "attachment; filename=\"batch-" + id + "-results.csv\"");
            ex.stream(200, "text/csv; charset=utf-8", out -> batches.resultsCsv(id, out));
        });
    }

    /** The caller, who must hold the researcher role (as on the web UI's batch pages). */
    private static Caller researcher(ApiExchange ex) {
        Caller caller = ex.caller();
        caller.require(Role.RESEARCHER);
        return caller;
    }

    private static void submit(ApiExchange ex, Caller caller, Batches batches, FormParserFactory forms,
                               long maxBatchBytes, Path uploadTemp) throws IOException {
        ex.undertow().setMaxEntitySize(maxBatchBytes + (1L << 20));
        try (FormDataParser parser = forms.createParser(ex.undertow());
             InputFiles files = InputFiles.create(uploadTemp, maxBatchBytes)) {
            if (parser == null) {
                throw new InvalidRequestException("invalid_batch", "POST /batches takes multipart/form-data with a"
                        + " 'batch' part and 'file' parts", List.of("Content-Type: expected multipart/form-data"));
            }
            FormData form = parser.parseBlocking();
            List<String> problems = new ArrayList<>();
            BatchSubmission submission = submission(form, problems);
            if (form.contains("file")) {
                for (FormData.FormValue part : form.get("file")) {
                    String name = part.getFileName() == null ? "unnamed" : part.getFileName();
                    try (InputStream in = part.isFileItem() ? part.getFileItem().getInputStream()
                            : new ByteArrayInputStream(part.getValue().getBytes(StandardCharsets.UTF_8))) {
                        files.add(name, in, problems);
                    }
                }
            }
            for (String field : form) {
                if (!field.equals("batch") && !field.equals("file")) {
                    problems.add(field + ": unexpected part (expected 'batch' and 'file')");
                }
            }
            if (submission == null) {
                InvalidRequestException.throwIfAny("invalid_batch", "the batch was not accepted", problems);
            }
            ex.json(201, batches.submit(caller.accountId(), submission, files.files(), problems));
        }
    }

    private static BatchSubmission submission(FormData form, List<String> problems) throws IOException {
        FormData.FormValue part = form.getFirst("batch");
        if (part == null) {
            problems.add("batch: missing part with the BatchSubmission JSON");
            return null;
        }
        byte[] json;
        if (part.isFileItem()) {
            try (InputStream in = part.getFileItem().getInputStream()) {
                json = in.readAllBytes();
            }
        } else {
            json = part.getValue().getBytes(StandardCharsets.UTF_8);
        }
        try {
            BatchSubmission s = ApiExchange.readRequest(json, BatchSubmission.class);
            if (s == null) {
                problems.add("batch: the part is empty or null");
            }
            return s;
        } catch (JsonProcessingException e) {
            problems.add("batch: " + ErrorResponses.describe(e));
            return null;
        }
    }
}

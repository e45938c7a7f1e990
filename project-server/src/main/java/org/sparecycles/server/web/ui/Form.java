package org.sparecycles.server.web.ui;

import io.undertow.server.handlers.form.FormData;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A posted form: its text fields and its uploaded files, in the order sent. */
public final class Form {
    /** One uploaded file part, on disk (or in memory when small) until the request ends. */
    public record Upload(String field, String fileName, FormData.FileItem item) {
        public long size() throws IOException {
            return item.getFileSize();
        }

        public InputStream open() throws IOException {
            return item.getInputStream();
        }
    }

    private final Map<String, List<String>> fields = new LinkedHashMap<>();
    private final List<Upload> uploads = new ArrayList<>();

    void add(String field, String value) {
        fields.computeIfAbsent(field, k -> new ArrayList<>()).add(value);
    }

    void add(Upload upload) {
        uploads.add(upload);
    }

    /** The first value of a field, trimmed, or the empty string. */
    public String text(String field) {
        List<String> values = fields.get(field);
        return values == null || values.isEmpty() ? "" : values.get(0).trim();
    }

    /** Every value of a field (checkboxes). */
    public List<String> all(String field) {
        return fields.getOrDefault(field, List.of());
    }

    public boolean has(String field) {
        return fields.containsKey(field);
    }

    /** An integer field; {@code fallback} when empty; null when it is not a whole number. */
    public Integer integer(String field, int fallback) {
        String t = text(field);
        if (t.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Fields whose names start with {@code prefix}, with the prefix removed. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (k.startsWith(prefix) && !v.isEmpty()) {
                out.put(k.substring(prefix.length()), v.get(0).trim());
            }
        });
        return out;
    }

    /** Uploaded files of a field that carry content (browsers send an empty part when none was chosen). */
    public List<Upload> uploads(String field) {
        List<Upload> out = new ArrayList<>();
        for (Upload u : uploads) {
            try {
                if (u.field().equals(field) && u.size() > 0) {
                    out.add(u);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read the upload " + u.fileName(), e);
            }
        }
        return out;
    }
}

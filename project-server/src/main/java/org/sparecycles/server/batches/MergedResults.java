package org.sparecycles.server.batches;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.workunits.json.CanonicalJson;

/**
 * Renders a batch's merged results (docs/protocol.md, "Merged results"): {@code results.json} with one entry per
 * input file in submission order, and {@code results.csv} with one row per object. Both are generic over the
 * app's output: the CSV's columns are {@code file,object} followed by every key found in the files'
 * {@code objects} entries (nested objects flattened as {@code key.sub}), in order of first appearance. Both are
 * written as they are made, one file's output in memory at a time, so a batch's results may be larger than the heap.
 */
final class MergedResults {
    private MergedResults() {
    }

    /** One input file as the batch knows it: merged output (may be null), or failure reason (may be null). */
    record FileEntry(String name, String outputSha256, String error) {
    }

    /** Writes {@code results.json}, reading one file's output at a time. */
    static void json(long batchId, String app, String version, Map<String, String> parameters, List<FileEntry> files,
                     FileStore store, OutputStream out) throws IOException {
        ObjectNode params = CanonicalJson.object();
        parameters.forEach(params::put);
        // canonical JSON sorts keys: app, batch, files, parameters, version
        out.write(ascii("{\"app\":"));
        out.write(CanonicalJson.write(TextNode.valueOf(app)));
        out.write(ascii(",\"batch\":" + batchId + ",\"files\":["));
        boolean first = true;
        for (FileEntry f : files) {
            if (!first) {
                out.write(',');
            }
            first = false;
            out.write(CanonicalJson.write(entry(f, store)));
        }
        out.write(ascii("],\"parameters\":"));
        out.write(CanonicalJson.write(params));
        out.write(ascii(",\"version\":"));
        out.write(CanonicalJson.write(TextNode.valueOf(version)));
        out.write('}');
    }

    /**
     * Writes {@code results.csv}, reading one file's output at a time: once for the columns, once for the rows.
     */
    static void csv(List<FileEntry> files, FileStore store, OutputStream out) throws IOException {
        Set<String> columns = new LinkedHashSet<>();
        for (FileEntry f : files) {
            if (f.outputSha256() != null) {
                for (Map<String, String> row : rows(f, store)) {
                    columns.addAll(row.keySet());
                }
            }
        }
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        w.write("file,object");
        for (String c : columns) {
            w.write(',');
            w.write(cell(c));
        }
        w.write("\r\n");
        for (FileEntry f : files) {
            if (f.outputSha256() == null) {
                continue;
            }
            int number = 1;
            String name = cell(f.name());
            for (Map<String, String> row : rows(f, store)) {
                w.write(name);
                w.write(',');
                w.write(Integer.toString(number++));
                for (String column : columns) {
                    w.write(',');
                    w.write(cell(row.getOrDefault(column, "")));
                }
                w.write("\r\n");
            }
        }
        w.flush();
    }

    /** The objects of a merged file, flattened; none when its output is missing from the store. */
    private static List<Map<String, String>> rows(FileEntry f, FileStore store) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        byte[] output = store.readIfPresent(f.outputSha256()).orElse(null);
        if (output == null) {
            return rows;
        }
        for (JsonNode object : CanonicalJson.read(output).path("objects")) {
            Map<String, String> row = new LinkedHashMap<>();
            flatten("", object, row);
            rows.add(row);
        }
        return rows;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static JsonNode entry(FileEntry f, FileStore store) throws IOException {
        byte[] output = f.outputSha256() == null ? null : store.readIfPresent(f.outputSha256()).orElse(null);
        if (output != null) {
            return CanonicalJson.read(output);
        }
        ObjectNode pending = CanonicalJson.object();
        pending.put("file", f.name());
        if (f.outputSha256() != null) {
            pending.put("error", "merged output " + f.outputSha256() + " " + FileStore.MISSING);
        } else if (f.error() != null) {
            pending.put("error", f.error());
        } else {
            pending.put("pending", true);
        }
        return pending;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> row) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), row);
            }
        } else if (node.isArray()) {
            row.put(prefix, new String(CanonicalJson.write(node), StandardCharsets.UTF_8));
        } else if (node.isNumber()) {
            row.put(prefix, node.decimalValue().toPlainString());
        } else if (!node.isNull()) {
            row.put(prefix, node.asText());
        }
    }

    private static String cell(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }
}

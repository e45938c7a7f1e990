package org.sparecycles.server.batches;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
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
 * {@code objects} entries (nested objects flattened as {@code key.sub}), in order of first appearance.
 */
final class MergedResults {
    private MergedResults() {
    }

    /** One input file as the batch knows it: merged output (may be null), or failure reason (may be null). */
    record FileEntry(String name, String outputSha256, String error) {
    }

    static byte[] json(long batchId, String app, String version, Map<String, String> parameters,
                       List<FileEntry> files, FileStore store) throws IOException {
        ObjectNode doc = CanonicalJson.object();
        doc.put("batch", batchId);
        doc.put("app", app);
        doc.put("version", version);
        ObjectNode params = doc.putObject("parameters");
        parameters.forEach(params::put);
        ArrayNode array = doc.putArray("files");
        for (FileEntry f : files) {
            array.add(entry(f, store));
        }
        return CanonicalJson.write(doc);
    }

    static byte[] csv(List<FileEntry> files, FileStore store) throws IOException {
        List<String> names = new ArrayList<>();
        List<List<Map<String, String>>> objectsPerFile = new ArrayList<>();
        Set<String> columns = new LinkedHashSet<>();
        for (FileEntry f : files) {
            if (f.outputSha256() == null) {
                continue;
            }
            List<Map<String, String>> objects = new ArrayList<>();
            for (JsonNode object : CanonicalJson.read(store.read(f.outputSha256())).path("objects")) {
                Map<String, String> row = new LinkedHashMap<>();
                flatten("", object, row);
                columns.addAll(row.keySet());
                objects.add(row);
            }
            names.add(f.name());
            objectsPerFile.add(objects);
        }
        StringBuilder out = new StringBuilder("file,object");
        columns.forEach(c -> out.append(',').append(cell(c)));
        out.append("\r\n");
        for (int i = 0; i < names.size(); i++) {
            int number = 1;
            for (Map<String, String> row : objectsPerFile.get(i)) {
                out.append(cell(names.get(i))).append(',').append(number++);
                for (String column : columns) {
                    out.append(',').append(cell(row.getOrDefault(column, "")));
                }
                out.append("\r\n");
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode entry(FileEntry f, FileStore store) throws IOException {
        if (f.outputSha256() != null) {
            return CanonicalJson.read(store.read(f.outputSha256()));
        }
        ObjectNode pending = CanonicalJson.object();
        pending.put("file", f.name());
        if (f.error() != null) {
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

package org.sparecycles.workunits.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.sparecycles.workunits.json.CanonicalJson;

/**
 * Runs an app over a work unit's input files, checkpointing between files, and assembles the canonical output
 * document: {@code {"app": id, "version": v, "parameters": {...}, "files": [per-file results in input order]}}.
 * This one class is what a volunteer's worker, the server's {@code app run} command and the tests all use, so
 * their outputs are byte-equal. Each file's result is kept as its canonical bytes once analysed, not as a tree: a
 * work unit of a few hundred large results fits a small heap.
 */
public final class AppRunner {
    private AppRunner() {
    }

    /**
     * Runs the app, resuming after files the context's checkpoint already holds.
     *
     * @param inputs supplies the input files by index; called only for files not yet done
     * @return the canonical output bytes
     */
    public static byte[] run(ScienceApp app, Parameters parameters, int fileCount, InputSource inputs,
                             AppContext context) throws AppException {
        List<byte[]> done = new ArrayList<>(context.resumeFrom());
        if (done.size() > fileCount) {
            throw new AppException("checkpoint holds " + done.size() + " files but the work unit has " + fileCount);
        }
        for (int i = done.size(); i < fileCount; i++) {
            context.progress((double) i / fileCount);
            done.add(CanonicalJson.write(app.analyze(inputs.input(i), parameters)));
            context.checkpoint(List.copyOf(done));
        }
        context.progress(1.0);
        return document(app, parameters, done);
    }

    /** Runs the app over files held in memory, with no checkpoints. */
    public static byte[] run(ScienceApp app, Parameters parameters, List<InputFile> inputs) throws AppException {
        return run(app, parameters, inputs.size(), inputs::get, AppContext.none());
    }

    /**
     * The output document from each file's canonical result, written piece by piece in canonical form: its keys
     * sorted (app, files, parameters, version), no whitespace; the same bytes as the whole document as one tree.
     */
    static byte[] document(ScienceApp app, Parameters parameters, List<byte[]> files) {
        ObjectNode params = CanonicalJson.object();
        parameters.asText().forEach(params::put);
        ByteArrayOutputStream out = new ByteArrayOutputStream(files.stream().mapToInt(f -> f.length + 1).sum() + 256);
        out.writeBytes(ascii("{\"app\":"));
        out.writeBytes(CanonicalJson.write(TextNode.valueOf(app.id())));
        out.writeBytes(ascii(",\"files\":["));
        for (int i = 0; i < files.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(files.get(i));
        }
        out.writeBytes(ascii("],\"parameters\":"));
        out.writeBytes(CanonicalJson.write(params));
        out.writeBytes(ascii(",\"version\":"));
        out.writeBytes(CanonicalJson.write(TextNode.valueOf(app.version())));
        out.write('}');
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Supplies input files by index, loading them lazily. */
    @FunctionalInterface
    public interface InputSource {
        InputFile input(int index) throws AppException;
    }
}

package org.sparecycles.workunits.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** The output document, from each file's canonical result: the same bytes as the document as one tree. */
    static byte[] document(ScienceApp app, Parameters parameters, List<byte[]> files) {
        ObjectNode params = CanonicalJson.object();
        parameters.asText().forEach(params::put);
        return CanonicalJson.object(Map.of("app", CanonicalJson.write(TextNode.valueOf(app.id())),
                "files", CanonicalJson.array(files), "parameters", CanonicalJson.write(params),
                "version", CanonicalJson.write(TextNode.valueOf(app.version()))));
    }

    /** Supplies input files by index, loading them lazily. */
    @FunctionalInterface
    public interface InputSource {
        InputFile input(int index) throws AppException;
    }
}

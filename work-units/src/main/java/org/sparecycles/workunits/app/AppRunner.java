package org.sparecycles.workunits.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.sparecycles.workunits.json.CanonicalJson;

/**
 * Runs an app over a work unit's input files, checkpointing between files, and assembles the canonical output
 * document: {@code {"app": id, "version": v, "parameters": {...}, "files": [per-file results in input order]}}.
 * This one class is what a volunteer's worker, the server's {@code app run} command and the tests all use, so
 * their outputs are byte-equal.
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
        List<ObjectNode> done = new ArrayList<>(context.resumeFrom());
        if (done.size() > fileCount) {
            throw new AppException("checkpoint holds " + done.size() + " files but the work unit has " + fileCount);
        }
        for (int i = done.size(); i < fileCount; i++) {
            context.progress((double) i / fileCount);
            done.add(app.analyze(inputs.input(i), parameters));
            context.checkpoint(List.copyOf(done));
        }
        context.progress(1.0);
        return CanonicalJson.write(document(app, parameters, done));
    }

    /** Runs the app over files held in memory, with no checkpoints. */
    public static byte[] run(ScienceApp app, Parameters parameters, List<InputFile> inputs) throws AppException {
        return run(app, parameters, inputs.size(), inputs::get, AppContext.none());
    }

    static ObjectNode document(ScienceApp app, Parameters parameters, List<ObjectNode> files) {
        ObjectNode doc = CanonicalJson.object();
        doc.put("app", app.id());
        doc.put("version", app.version());
        ObjectNode params = doc.putObject("parameters");
        parameters.asText().forEach(params::put);
        ArrayNode array = doc.putArray("files");
        files.forEach(array::add);
        return doc;
    }

    /** Supplies input files by index, loading them lazily. */
    @FunctionalInterface
    public interface InputSource {
        InputFile input(int index) throws AppException;
    }
}

package org.sparecycles.workunits.apps.particlecount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.sparecycles.workunits.app.AppException;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.ParameterSpec;
import org.sparecycles.workunits.app.Parameters;
import org.sparecycles.workunits.app.ScienceApp;

/** The built-in {@code particle-count} app (pipeline being written; see DESIGN.md). */
public final class ParticleCountApp implements ScienceApp {
    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.number("sigma", "1", "0", "20", "Gaussian blur radius in pixels; 0 means no blur"),
            ParameterSpec.choice("polarity", "dark", List.of("bright", "dark"),
                    "whether objects are brighter or darker than the background"),
            ParameterSpec.integer("min_area", 10, 0L, null, "smallest object kept, in pixels"));

    @Override
    public String id() {
        return "particle-count";
    }

    @Override
    public String version() {
        return "1.0";
    }

    @Override
    public String description() {
        return "Counts and measures particles in grayscale images (blur, Otsu threshold, 8-connected objects).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public void checkInput(InputFile input) throws AppException {
        throw new AppException("not written yet");
    }

    @Override
    public ObjectNode analyze(InputFile input, Parameters parameters) throws AppException {
        throw new AppException("not written yet");
    }
}

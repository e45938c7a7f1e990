package org.sparecycles.workunits.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparecycles.workunits.json.CanonicalJson;
import org.sparecycles.workunits.samples.SampleImages;

class AppRunnerTest {
    @Test
    void outputWrittenFromEachFilesBytesIsTheCanonicalFormOfTheWholeDocument() throws Exception {
        ScienceApp app = AppRegistry.builtIn().find("particle-count").orElseThrow();
        Parameters parameters = app.parseParameters(Map.of("sigma", "1", "polarity", "dark", "min_area", "10"));
        List<InputFile> inputs = SampleImages.inputFiles();

        byte[] output = AppRunner.run(app, parameters, inputs);

        ObjectNode tree = CanonicalJson.object(); // the document as one tree, in an insertion order of its own
        tree.put("version", app.version());
        ArrayNode files = tree.putArray("files");
        for (InputFile input : inputs) {
            files.add(app.analyze(input, parameters));
        }
        ObjectNode params = tree.putObject("parameters");
        parameters.asText().forEach(params::put);
        tree.put("app", app.id());
        assertArrayEquals(CanonicalJson.write(tree), output);
    }
}

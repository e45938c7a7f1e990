package org.sparecycles.client.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.Parameters;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.json.CanonicalJson;
import org.sparecycles.workunits.samples.SampleImages;

/** A checkpoint holds each file's result as the canonical bytes it was analysed to, in the file format of old. */
class SlotCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void checkpointReadsBackTheSameBytesAndIsTheCanonicalDocumentOfEarlierVersions() throws Exception {
        ScienceApp app = AppRegistry.builtIn().find("particle-count").orElseThrow();
        Parameters parameters = app.parseParameters(Map.of("sigma", "1", "polarity", "dark", "min_area", "10"));
        List<ObjectNode> trees = new ArrayList<>();
        List<byte[]> files = new ArrayList<>();
        for (InputFile input : SampleImages.inputFiles().subList(0, 3)) {
            ObjectNode result = app.analyze(input, parameters);
            trees.add(result);
            files.add(CanonicalJson.write(result));
        }
        Slot slot = new Slot(0, tmp.resolve("slot"));
        Files.createDirectories(tmp.resolve("slot"));

        slot.writeCheckpoint(new Slot.Checkpoint(43, files, 12.3456, 20.5));

        ObjectNode before = CanonicalJson.object(); // how checkpoints were written as one tree
        before.put("resultId", 43);
        before.set("cpuSeconds", CanonicalJson.decimal(12.3456, 3));
        before.set("elapsedSeconds", CanonicalJson.decimal(20.5, 3));
        ArrayNode array = before.putArray("files");
        trees.forEach(array::add);
        assertArrayEquals(CanonicalJson.write(before), Files.readAllBytes(slot.checkpointFile()));
        Slot.Checkpoint read = slot.readCheckpoint().orElseThrow();
        assertEquals(43, read.resultId());
        assertEquals(12.346, read.cpuSeconds());
        assertEquals(files.size(), read.files().size());
        for (int i = 0; i < files.size(); i++) {
            assertArrayEquals(files.get(i), read.files().get(i), "file " + i);
        }
    }
}

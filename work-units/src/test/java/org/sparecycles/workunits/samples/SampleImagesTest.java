package org.sparecycles.workunits.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.image.ImageFormat;

class SampleImagesTest {

    @Test
    void listsTheBundledSamples() {
        assertEquals(List.of("blobs.png", "blobs_original_indexed.png", "coins.png", "dotblot.png", "cell.png",
                "simple.fits"), SampleImages.names());
    }

    @Test
    void givesEachSampleAsAnInputFileInListOrder() {
        List<InputFile> files = SampleImages.inputFiles();
        assertEquals(SampleImages.names(), files.stream().map(InputFile::name).toList());
        for (InputFile file : files) {
            assertArrayEquals(SampleImages.bytes(file.name()), file.content());
            assertTrue(ImageFormat.detect(file.content()).isPresent(), file.name() + " is an image");
        }
    }

    @Test
    void shipsTheLicenceOfEverySample() {
        String licences = SampleImages.licenses();
        for (String name : SampleImages.names()) {
            assertTrue(licences.contains("`" + name + "`"), name + " in LICENSES.md");
        }
    }

    @Test
    void rejectsAnUnknownName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleImages.bytes("LICENSES.md"));
        assertTrue(e.getMessage().startsWith("no sample image named LICENSES.md"), e.getMessage());
    }
}

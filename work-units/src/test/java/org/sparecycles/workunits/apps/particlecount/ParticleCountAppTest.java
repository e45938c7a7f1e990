package org.sparecycles.workunits.apps.particlecount;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparecycles.workunits.app.AppContext;
import org.sparecycles.workunits.app.AppException;
import org.sparecycles.workunits.app.AppRunner;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.InvalidParametersException;
import org.sparecycles.workunits.app.Parameters;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.image.GrayImage;
import org.sparecycles.workunits.json.CanonicalJson;
import org.sparecycles.workunits.samples.SampleImages;

class ParticleCountAppTest {
    private final ParticleCountApp app = new ParticleCountApp();

    @Test
    void writesTheFieldsTheCsvExportReliesOn() throws Exception {
        byte[] blobs = SampleImages.bytes("blobs.png");
        ObjectNode result = app.analyze(new InputFile("blobs.png", blobs),
                parameters(Map.of("sigma", "1", "polarity", "dark", "min_area", "10")));

        assertEquals(List.of("file", "sha256", "width", "height", "threshold", "count", "total_area", "objects"),
                fieldNames(result));
        assertEquals("blobs.png", result.get("file").asText());
        assertEquals(Sha256.hex(blobs), result.get("sha256").asText());
        assertEquals(256, result.get("width").intValue());
        assertEquals(254, result.get("height").intValue());
        assertEquals(129, result.get("threshold").intValue());
        assertEquals(61, result.get("count").intValue());
        assertEquals(61, result.get("objects").size());
        long sum = 0;
        for (JsonNode object : result.get("objects")) {
            assertEquals(List.of("area", "centroid_x", "centroid_y", "bbox_x", "bbox_y", "bbox_width",
                    "bbox_height", "mean_intensity"), fieldNames(object));
            for (String decimal : List.of("centroid_x", "centroid_y", "mean_intensity")) {
                assertTrue(object.get(decimal).isBigDecimal(), decimal + " is an exact decimal");
                assertEquals(3, object.get(decimal).decimalValue().scale(), decimal + " has 3 decimals");
            }
            assertTrue(object.get("area").isInt());
            sum += object.get("area").intValue();
        }
        assertEquals(sum, result.get("total_area").longValue());
        assertDoesNotThrow(() -> CanonicalJson.write(result), "no binary floating point in the result");
    }

    @Test
    void measuresInPixelIndicesWithTheUnblurredLevels() throws Exception {
        GrayImage drawn = TestImages.drawn(
                "........",
                "..####..",
                "..####..",
                "..####..",
                "......#.");
        ObjectNode result = app.analyze(new InputFile("drawn.png", png(drawn)),
                parameters(Map.of("sigma", "0", "polarity", "bright", "min_area", "0")));
        JsonNode block = result.get("objects").get(0);
        assertEquals("{\"area\":13,\"bbox_height\":4,\"bbox_width\":5,\"bbox_x\":2,\"bbox_y\":1,"
                        + "\"centroid_x\":3.692,\"centroid_y\":2.154,\"mean_intensity\":200.000}",
                new String(CanonicalJson.write(block)), "the diagonal pixel belongs to the block; x = 48 / 13, y = 28 / 13");

        ObjectNode blurred = app.analyze(new InputFile("drawn.png", png(drawn)),
                parameters(Map.of("sigma", "1", "polarity", "bright", "min_area", "0")));
        JsonNode object = blurred.get("objects").get(0);
        // blurring leaves no pixel of so small a block at 200, so a mean of exactly 200 is one of original levels
        assertEquals("200.000", object.get("mean_intensity").decimalValue().toPlainString());
        assertTrue(object.get("area").intValue() >= 12, "the blurred object covers the block");
    }

    @Test
    void runsTwiceThroughAppRunnerToTheSameBytes() throws Exception {
        Parameters parameters = parameters(Map.of("sigma", "2", "polarity", "bright", "min_area", "50"));
        byte[] first = AppRunner.run(app, parameters, SampleImages.inputFiles());
        byte[] second = AppRunner.run(new ParticleCountApp(), parameters, SampleImages.inputFiles());
        assertArrayEquals(first, second);
        assertArrayEquals(first, CanonicalJson.write(CanonicalJson.read(first)), "canonical form survives a round trip");
        JsonNode document = CanonicalJson.read(first);
        assertEquals("particle-count", document.get("app").asText());
        assertEquals(SampleImages.names().size(), document.get("files").size());
    }

    @Test
    void resumesFromACheckpointToTheSameBytes() throws Exception {
        Parameters parameters = parameters(Map.of());
        List<InputFile> inputs = SampleImages.inputFiles();
        byte[] uninterrupted = AppRunner.run(app, parameters, inputs);

        List<byte[]> firstTwo = new ArrayList<>();
        for (InputFile input : inputs.subList(0, 2)) {
            firstTwo.add(CanonicalJson.write(app.analyze(input, parameters)));
        }
        List<Integer> loaded = new ArrayList<>();
        byte[] resumed = AppRunner.run(app, parameters, inputs.size(), i -> {
            loaded.add(i);
            return inputs.get(i);
        }, new AppContext() {
            @Override
            public void progress(double fractionDone) {
            }

            @Override
            public void checkpoint(List<byte[]> done) {
            }

            @Override
            public List<byte[]> resumeFrom() {
                return firstTwo;
            }
        });
        assertArrayEquals(uninterrupted, resumed);
        assertEquals(List.of(2, 3, 4, 5), loaded, "files done before the checkpoint are not read again");
    }

    static List<String> sampleNames() {
        return SampleImages.names();
    }

    @ParameterizedTest
    @MethodSource("sampleNames")
    void acceptsEverySample(String name) {
        assertDoesNotThrow(() -> app.checkInput(new InputFile(name, SampleImages.bytes(name))));
    }

    @Test
    void rejectsATruncatedPngWhenCheckingInputNamingTheFile() {
        byte[] png = SampleImages.bytes("cell.png");
        InputFile cut = new InputFile("cells.png", Arrays.copyOf(png, png.length - 100));
        AppException e = assertThrows(AppException.class, () -> app.checkInput(cut));
        assertTrue(e.getMessage().startsWith("cells.png: truncated or corrupt PNG data"), e.getMessage());
    }

    @Test
    void rejectsSomethingThatIsNotAnImage() {
        InputFile text = new InputFile("readme.png", "this is not an image".getBytes());
        AppException checked = assertThrows(AppException.class, () -> app.checkInput(text));
        AppException analysed = assertThrows(AppException.class, () -> app.analyze(text, parameters(Map.of())));
        assertEquals("readme.png: not an image (no PNG, JPEG, GIF, BMP, TIFF or FITS signature)", checked.getMessage());
        assertEquals(checked.getMessage(), analysed.getMessage());
    }

    @Test
    void rejectsParametersOutsideTheirDeclarationsAllAtOnce() {
        InvalidParametersException e = assertThrows(InvalidParametersException.class, () -> app.parseParameters(
                Map.of("sigma", "9", "polarity", "grey", "min_area", "-1")));
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("sigma: 9 is above the maximum 8.5"), e.getMessage());
        assertTrue(e.getMessage().contains("polarity: 'grey' is not one of [bright, dark]"), e.getMessage());
        assertTrue(e.getMessage().contains("min_area: -1 is below the minimum 0"), e.getMessage());
    }

    private Parameters parameters(Map<String, String> raw) {
        return app.parseParameters(raw);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static byte[] png(GrayImage image) throws Exception {
        java.awt.image.BufferedImage buffered = new java.awt.image.BufferedImage(image.width(), image.height(),
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        buffered.getRaster().setDataElements(0, 0, image.width(), image.height(), image.pixels());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(buffered, "png", out);
        return out.toByteArray();
    }
}

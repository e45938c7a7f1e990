package org.sparecycles.server.efficiency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparecycles.server.efficiency.MosaicWorkload.Flip;
import org.sparecycles.workunits.image.GrayImage;
import org.sparecycles.workunits.image.ImageDecoder;
import org.sparecycles.workunits.samples.SampleImages;

/** The scaled workload: seeded mosaics of flipped tiles cut from the real samples. */
class MosaicWorkloadTest {
    private static final List<String> SAMPLES = List.of("blobs.png", "blobs_original_indexed.png", "dotblot.png");
    private final MosaicWorkload workload = new MosaicWorkload(SAMPLES, 64, 3, 7);

    @TempDir
    Path tmp;

    @Test
    void sameSeedMakesTheSameBytesAnotherSeedOthers() {
        MosaicWorkload again = new MosaicWorkload(SAMPLES, 64, 3, 7);
        MosaicWorkload other = new MosaicWorkload(SAMPLES, 64, 3, 8);

        for (int k = 0; k < 3; k++) {
            assertArrayEquals(workload.png(k), again.png(k), "image " + k);
            assertFalse(Arrays.equals(workload.png(k), other.png(k)), "image " + k + " of another seed");
        }
        assertFalse(Arrays.equals(workload.pixels(0), workload.pixels(1)), "images of one set differ");
    }

    @Test
    void writesGrayPngsOfTheGridsSizeAndANoticeNamingSourcesAndLicences() throws Exception {
        List<Path> written = workload.write(tmp, 5);

        assertEquals(5, written.size());
        for (int k = 0; k < 5; k++) {
            assertEquals(tmp.resolve(String.format("mosaic-%05d.png", k)), written.get(k));
            GrayImage decoded = ImageDecoder.decode("m.png", Files.readAllBytes(written.get(k)));
            assertEquals(192, decoded.width());
            assertEquals(192, decoded.height());
            assertArrayEquals(workload.pixels(k), decoded.pixels(), "the PNG holds the mosaic's levels exactly");
        }
        String notice = Files.readString(tmp.resolve(MosaicWorkload.NOTICE));
        assertTrue(notice.contains("5 gray PNG images of 192x192"), notice);
        for (String source : List.of("blobs.png", "dotblot.png", "imagingbook", "BSD-2-Clause",
                "Redistributions of source code must retain the above copyright notice")) {
            assertTrue(notice.contains(source), "NOTICE names " + source);
        }
    }

    /** A 2x2 crop {@code a b / c d} (rows) after each flip, written out by hand. */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"NONE, abcd", "ROTATE_90, cadb", "ROTATE_180, dcba", "ROTATE_270, bdac", "MIRROR_LEFT_RIGHT, badc",
            "MIRROR_TOP_BOTTOM, cdab", "TRANSPOSE, acbd", "ANTI_TRANSPOSE, dbca"})
    void flipsMoveCornersAsDrawn(Flip flip, String expected) {
        String crop = "abcd";
        StringBuilder out = new StringBuilder();
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                int[] s = flip.source(x, y, 2);
                out.append(crop.charAt(s[1] * 2 + s[0]));
            }
        }
        assertEquals(expected, out.toString());
    }

    @Test
    void everyTileIsItsSampleCropFlippedAndFlippedTilesDifferFromTheCrop() throws Exception {
        Set<Flip> seen = EnumSet.noneOf(Flip.class);
        int flippedAndDifferent = 0;
        for (int k = 0; k < 6; k++) {
            byte[] mosaic = workload.pixels(k);
            List<MosaicWorkload.Tile> tiles = workload.layout(k);
            assertEquals(9, tiles.size());
            for (int i = 0; i < tiles.size(); i++) {
                MosaicWorkload.Tile t = tiles.get(i);
                GrayImage sample = ImageDecoder.decode(t.sample(), SampleImages.bytes(t.sample()));
                byte[] tile = new byte[64 * 64];
                byte[] crop = new byte[64 * 64];
                for (int y = 0; y < 64; y++) {
                    for (int x = 0; x < 64; x++) {
                        tile[y * 64 + x] = mosaic[((i / 3) * 64 + y) * 192 + (i % 3) * 64 + x];
                        crop[y * 64 + x] = (byte) sample.level(t.cropX() + x, t.cropY() + y);
                    }
                }
                assertArrayEquals(flipped(crop, t.flip()), tile, "image " + k + " tile " + i + " " + t);
                seen.add(t.flip());
                if (t.flip() != Flip.NONE && !Arrays.equals(tile, crop)) {
                    flippedAndDifferent++;
                }
            }
        }
        assertEquals(EnumSet.allOf(Flip.class), seen, "54 tiles use all eight flips");
        assertTrue(flippedAndDifferent >= 40, "flipped tiles are not their crop: " + flippedAndDifferent);
    }

    @Test
    void refusesSamplesSmallerThanATile() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new MosaicWorkload(List.of("blobs.png"), 300, 2, 1));
        assertTrue(e.getMessage().contains("blobs.png (256x254) is smaller than a tile of 300 pixels"), e.getMessage());
    }

    /** The crop turned by the flip, from the 2x2 table above applied through rotations and one mirror. */
    private static byte[] flipped(byte[] crop, Flip flip) {
        return switch (flip) {
            case NONE -> crop;
            case ROTATE_90 -> rotateClockwise(crop);
            case ROTATE_180 -> rotateClockwise(rotateClockwise(crop));
            case ROTATE_270 -> rotateClockwise(rotateClockwise(rotateClockwise(crop)));
            case MIRROR_LEFT_RIGHT -> mirror(crop);
            case MIRROR_TOP_BOTTOM -> rotateClockwise(rotateClockwise(mirror(crop)));
            case TRANSPOSE -> mirror(rotateClockwise(crop));
            case ANTI_TRANSPOSE -> rotateClockwise(mirror(crop));
        };
    }

    private static byte[] rotateClockwise(byte[] in) {
        byte[] out = new byte[in.length];
        for (int row = 0; row < 64; row++) {
            for (int col = 0; col < 64; col++) {
                out[col * 64 + (63 - row)] = in[row * 64 + col]; // row r becomes column 63 - r
            }
        }
        return out;
    }

    private static byte[] mirror(byte[] in) {
        byte[] out = new byte[in.length];
        for (int row = 0; row < 64; row++) {
            for (int col = 0; col < 64; col++) {
                out[row * 64 + (63 - col)] = in[row * 64 + col];
            }
        }
        return out;
    }
}

package org.sparecycles.workunits.apps.particlecount;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparecycles.workunits.apps.particlecount.ParticlePipeline.Polarity;
import org.sparecycles.workunits.image.GrayImage;

/**
 * Exactness against ImageJ 1.54, computed in the test (see {@link ImageJReference} for how ImageJ is set up):
 * same blurred pixels, same Otsu threshold, same objects with the same areas, boxes, centroids and mean levels.
 */
class ParticlePipelineMatchesImageJTest {

    /** The table of /work/shared/datasets/README.md, with its count column as a sanity check. */
    @ParameterizedTest(name = "{0} sigma {1} {2} min_area {3}: {4} objects")
    @CsvSource({
            "blobs.png,   0, dark,   0,   64",
            "blobs.png,   1, dark,   10,  61",
            "coins.png,   2, bright, 50,  22",
            "dotblot.png, 1, dark,   10,  21",
            "cell.png,    2, bright, 100, 1",
    })
    void matchesImageJOnTheKnownResultsTable(String sample, double sigma, String polarity, long minArea,
                                             int knownCount) {
        ParticleCount ours = assertSameAsImageJ(TestImages.sample(sample), sigma, Polarity.of(polarity), minArea);
        assertEquals(knownCount, ours.particles().size(), "count in the datasets README");
    }

    static Stream<Arguments> realImages() {
        List<Arguments> cases = new ArrayList<>();
        for (String sample : List.of("blobs.png", "blobs_original_indexed.png", "coins.png", "dotblot.png",
                "cell.png", "simple.fits")) {
            for (double sigma : new double[] {0, 0.5, 1.5, 3, 8.5}) {
                for (Polarity polarity : Polarity.values()) {
                    cases.add(Arguments.of(sample, sigma, polarity, sigma == 0 ? 0L : 5L));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} sigma {1} {2} min_area {3}")
    @MethodSource("realImages")
    void matchesImageJOnEverySampleAtOtherSigmasAndPolarities(String sample, double sigma, Polarity polarity,
                                                              long minArea) {
        assertSameAsImageJ(TestImages.sample(sample), sigma, polarity, minArea);
    }

    static Stream<Arguments> derivedImages() {
        GrayImage blobs = TestImages.sample("blobs.png");
        GrayImage coins = TestImages.sample("coins.png");
        GrayImage dotblot = TestImages.sample("dotblot.png");
        return Stream.of(
                Arguments.of("blobs cropped through objects", TestImages.crop(blobs, 37, 21, 150, 101), 1.0),
                Arguments.of("blobs rotated", TestImages.rotateClockwise(blobs), 1.0),
                Arguments.of("blobs mirrored", TestImages.mirror(blobs), 2.0),
                Arguments.of("blobs inverted", TestImages.invert(blobs), 1.0),
                Arguments.of("coins rotated", TestImages.rotateClockwise(coins), 2.0),
                Arguments.of("coins cropped to one row", TestImages.crop(coins, 0, 150, 384, 1), 0.0),
                Arguments.of("coins cropped to one column", TestImages.crop(coins, 200, 0, 1, 303), 2.0),
                Arguments.of("coins cropped narrower than the kernel", TestImages.crop(coins, 100, 100, 9, 40), 4.0),
                Arguments.of("dotblot cropped to a corner", TestImages.crop(dotblot, 400, 200, 113, 82), 1.0),
                Arguments.of("dotblot rotated", TestImages.rotateClockwise(dotblot), 0.7));
    }

    @ParameterizedTest(name = "{0}, sigma {2}")
    @MethodSource("derivedImages")
    void matchesImageJOnCroppedRotatedAndInvertedSamples(String what, GrayImage image, double sigma) {
        for (Polarity polarity : Polarity.values()) {
            assertSameAsImageJ(image, sigma, polarity, 0);
        }
    }

    static Stream<Arguments> drawnShapes() {
        return Stream.of(
                Arguments.of("pixels touching only diagonally are one object", TestImages.drawn(
                        "#...#...",
                        ".#.#....",
                        "..#....#",
                        ".#.#..#.",
                        "#...##..")),
                Arguments.of("a ring keeps its hole and the island in it is separate", TestImages.drawn(
                        ".........",
                        ".#######.",
                        ".#.....#.",
                        ".#.###.#.",
                        ".#.#.#.#.",
                        ".#.###.#.",
                        ".#.....#.",
                        ".#######.",
                        ".........")),
                Arguments.of("an island touching its ring diagonally joins it", TestImages.drawn(
                        "#####",
                        "#...#",
                        "#.#.#",
                        "#..##",
                        "#####")),
                Arguments.of("objects on every border and corner", TestImages.drawn(
                        "##..#..##",
                        "#.......#",
                        ".........",
                        "#...#...#",
                        ".........",
                        "##.....##",
                        "#.#####.#")),
                Arguments.of("branches that merge only at the bottom", TestImages.drawn(
                        "#.#.#.#.#",
                        "#.#.#.#.#",
                        "#.#.#.#.#",
                        "#.......#",
                        "#########")),
                Arguments.of("a checkerboard is one object", TestImages.drawn(
                        "#.#.#.",
                        ".#.#.#",
                        "#.#.#.",
                        ".#.#.#")),
                Arguments.of("a spiral", TestImages.drawn(
                        "#########",
                        "........#",
                        ".######.#",
                        ".#....#.#",
                        ".#.##.#.#",
                        ".#..#.#.#",
                        ".####.#.#",
                        "......#.#",
                        "#######.#")),
                Arguments.of("three levels", TestImages.drawn(
                        "..++..##..",
                        "..++..##..",
                        "++..##..++",
                        "..##..++..")),
                Arguments.of("graded levels", TestImages.drawn(
                        "0123456789",
                        "9876543210",
                        "0000999900",
                        "5555000055")),
                Arguments.of("one gray level", TestImages.drawn(
                        "+++",
                        "+++")),
                Arguments.of("a single pixel", TestImages.drawn("#")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drawnShapes")
    void matchesImageJOnDrawnShapes(String what, GrayImage image) {
        for (Polarity polarity : Polarity.values()) {
            for (double sigma : new double[] {0, 1}) {
                assertSameAsImageJ(image, sigma, polarity, 0);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}, {1}x{2}, sigma {3}")
    @CsvSource({
            "1, 64, 48, 0",
            "2, 64, 48, 0.7",
            "3, 64, 48, 1.2",
            "4, 97, 31, 2.5",
            "5, 13, 77, 1",
            "6, 200, 3, 1.5",
    })
    void matchesImageJOnNoise(long seed, int width, int height, double sigma) {
        GrayImage image = TestImages.noise(width, height, seed);
        for (Polarity polarity : Polarity.values()) {
            assertSameAsImageJ(image, sigma, polarity, 0);
            assertSameAsImageJ(image, sigma, polarity, 4);
        }
    }

    @ParameterizedTest(name = "{0} sigma {1}")
    @CsvSource({
            "coins.png, 0.1", "coins.png, 0.33", "coins.png, 1", "coins.png, 2", "coins.png, 4.75",
            "coins.png, 7", "coins.png, 8.5", "cell.png, 2", "simple.fits, 1.1", "blobs.png, 6",
    })
    void blursPixelForPixelLikeImageJ(String sample, double sigma) {
        GrayImage image = TestImages.sample(sample);
        assertArrayEquals(ImageJReference.blur(image, sigma),
                GaussianBlur.blur(image.pixels(), image.width(), image.height(), sigma));
    }

    @ParameterizedTest(name = "{0}x{1} sigma {2}")
    @CsvSource({"1, 1, 1", "1, 7, 2", "7, 1, 3", "3, 3, 8.5", "31, 5, 8.5", "62, 62, 8.5", "5, 40, 0.2"})
    void blursTinyImagesLikeImageJ(int width, int height, double sigma) {
        GrayImage image = TestImages.noise(width, height, width * 31L + height);
        assertArrayEquals(ImageJReference.blur(image, sigma),
                GaussianBlur.blur(image.pixels(), width, height, sigma));
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"})
    void choosesTheSameOtsuThresholdAsImageJ(long seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            int[] histogram = new int[256];
            int levels = 1 + random.nextInt(round % 3 == 0 ? 3 : 256);
            int spread = 1 + random.nextInt(256);
            for (int i = 0; i < levels; i++) {
                histogram[Math.min(255, random.nextInt(spread) + random.nextInt(256 - spread + 1))]
                        += 1 + random.nextInt(round % 2 == 0 ? 5 : 100_000);
            }
            int[] copy = histogram.clone();
            assertEquals(ImageJReference.otsu(histogram), OtsuThreshold.of(histogram),
                    () -> "histogram " + java.util.Arrays.toString(copy));
        }
    }

    /** Runs both pipelines and checks every measurement; returns ours. */
    static ParticleCount assertSameAsImageJ(GrayImage image, double sigma, Polarity polarity, long minArea) {
        ParticleCount ours = ParticlePipeline.run(image, sigma, polarity, minArea);
        ImageJReference.Result imagej = ImageJReference.analyze(image, sigma, polarity == Polarity.BRIGHT, minArea);
        String where = image + " sigma " + sigma + " " + polarity + " min_area " + minArea;
        assertEquals(imagej.threshold(), ours.threshold(), where + ": threshold");
        assertEquals(imagej.particles().size(), ours.particles().size(), where + ": count");
        assertEquals(imagej.sortedAreas(), ours.particles().stream().map(Particle::area).sorted().toList(),
                where + ": sorted areas");
        List<Executable> checks = new ArrayList<>();
        for (int i = 0; i < ours.particles().size(); i++) {
            Particle p = ours.particles().get(i);
            ImageJReference.Measured m = imagej.particles().get(i);
            String object = where + ": object " + i;
            checks.add(() -> assertEquals(List.of(m.xStart(), m.yStart(), m.area(), m.boxX(), m.boxY(),
                            m.boxWidth(), m.boxHeight()),
                    List.of(p.firstX(), p.firstY(), p.area(), p.minX(), p.minY(), p.boxWidth(), p.boxHeight()),
                    object + ": first pixel, area, box"));
            checks.add(() -> assertEquals(m.centroidX() - 0.5, (double) p.sumX() / p.area(), 1e-9, object + " x"));
            checks.add(() -> assertEquals(m.centroidY() - 0.5, (double) p.sumY() / p.area(), 1e-9, object + " y"));
            checks.add(() -> assertEquals(m.mean(), (double) p.sumIntensity() / p.area(), 1e-9, object + " mean"));
        }
        assertAll(checks);
        return ours;
    }
}

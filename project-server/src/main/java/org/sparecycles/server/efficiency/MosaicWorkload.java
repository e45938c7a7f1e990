package org.sparecycles.server.efficiency;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.sparecycles.workunits.image.GrayImage;
import org.sparecycles.workunits.image.ImageDecoder;
import org.sparecycles.workunits.image.ImageDecodingException;
import org.sparecycles.workunits.samples.SampleImages;

/**
 * The sample workload scaled up: {@code count} 8-bit gray PNG mosaics, each a grid of square tiles cut from the
 * real sample images, every tile turned by one of the eight flips and rotations of the square. Image {@code k}
 * depends only on the seed and {@code k}, so a set (or any one image of it) is the same on every machine.
 */
final class MosaicWorkload {
    static final String NOTICE = "NOTICE";

    private final List<String> samples;
    private final List<GrayImage> decoded;
    private final int tile;
    private final int grid;
    private final long seed;

    /**
     * @param samples names of bundled samples ({@link SampleImages#names()}) the tiles are cut from; each must be
     *                at least {@code tile} pixels wide and high
     * @param tile    side of a tile in pixels
     * @param grid    tiles per row and per column
     */
    MosaicWorkload(List<String> samples, int tile, int grid, long seed) {
        if (samples.isEmpty() || tile < 1 || grid < 1) {
            throw new IllegalArgumentException("need samples, tile >= 1 and grid >= 1");
        }
        this.samples = List.copyOf(samples);
        this.tile = tile;
        this.grid = grid;
        this.seed = seed;
        List<GrayImage> images = new ArrayList<>();
        for (String name : samples) {
            GrayImage g = decode(name);
            if (g.width() < tile || g.height() < tile) {
                throw new IllegalArgumentException(name + " (" + g.width() + "x" + g.height()
                        + ") is smaller than a tile of " + tile + " pixels");
            }
            images.add(g);
        }
        this.decoded = List.copyOf(images);
    }

    /** The eight symmetries of the square, as applied to a tile read out of a sample. */
    enum Flip {
        NONE, ROTATE_90, ROTATE_180, ROTATE_270, MIRROR_LEFT_RIGHT, MIRROR_TOP_BOTTOM, TRANSPOSE, ANTI_TRANSPOSE;

        /** Where tile pixel (x, y) is read in the untransformed {@code n x n} crop: {x', y'}. */
        int[] source(int x, int y, int n) {
            int m = n - 1;
            return switch (this) {
                case NONE -> new int[] {x, y};
                case ROTATE_90 -> new int[] {y, m - x}; // clockwise
                case ROTATE_180 -> new int[] {m - x, m - y};
                case ROTATE_270 -> new int[] {m - y, x};
                case MIRROR_LEFT_RIGHT -> new int[] {m - x, y};
                case MIRROR_TOP_BOTTOM -> new int[] {x, m - y};
                case TRANSPOSE -> new int[] {y, x};
                case ANTI_TRANSPOSE -> new int[] {m - y, m - x};
            };
        }
    }

    /** One tile of a mosaic: the {@code tile x tile} crop of {@code sample} at (cropX, cropY), flipped. */
    record Tile(String sample, int cropX, int cropY, Flip flip) {
    }

    int side() {
        return tile * grid;
    }

    String fileName(int k) {
        return String.format(Locale.ROOT, "mosaic-%05d.png", k);
    }

    /** The tiles of image {@code k}, row by row. */
    List<Tile> layout(int k) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + k);
        List<Tile> tiles = new ArrayList<>();
        for (int i = 0; i < grid * grid; i++) {
            int s = random.nextInt(samples.size());
            GrayImage g = decoded.get(s);
            tiles.add(new Tile(samples.get(s), random.nextInt(g.width() - tile + 1),
                    random.nextInt(g.height() - tile + 1), Flip.values()[random.nextInt(Flip.values().length)]));
        }
        return tiles;
    }

    /** The gray levels of image {@code k}, {@link #side()} squared, row by row. */
    byte[] pixels(int k) {
        int side = side();
        byte[] out = new byte[side * side];
        List<Tile> tiles = layout(k);
        for (int i = 0; i < tiles.size(); i++) {
            Tile t = tiles.get(i);
            GrayImage g = decoded.get(samples.indexOf(t.sample()));
            int left = (i % grid) * tile;
            int top = (i / grid) * tile;
            for (int y = 0; y < tile; y++) {
                for (int x = 0; x < tile; x++) {
                    int[] s = t.flip().source(x, y, tile);
                    out[(top + y) * side + left + x] = g.pixels()[(t.cropY() + s[1]) * g.width() + t.cropX() + s[0]];
                }
            }
        }
        return out;
    }

    /** Image {@code k} as PNG bytes (8-bit gray). */
    byte[] png(int k) {
        int side = side();
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(pixels(k), 0, raster, 0, raster.length);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(side * side / 2);
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("no PNG writer in this Java runtime");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Writes images {@code 0 .. count-1} and the {@link #NOTICE} into {@code dir} (created if need be), in
     * parallel; existing files of the same names are replaced.
     *
     * @return the paths of the images, in order
     */
    List<Path> write(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(NOTICE), notice(count), StandardCharsets.UTF_8);
        try {
            IntStream.range(0, count).parallel().forEach(k -> {
                try {
                    Files.write(dir.resolve(fileName(k)), png(k));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return IntStream.range(0, count).mapToObj(k -> dir.resolve(fileName(k))).toList();
    }

    String notice(int count) {
        return String.format(Locale.ROOT, """
                SpareCycles scaled sample workload
                ==================================

                %d gray PNG images of %dx%d pixels (mosaic-00000.png ...), generated by the project server's
                `efficiency` command (MosaicWorkload, seed %d): each a %dx%d grid of %dx%d tiles cut from the real
                sample images %s at seeded positions, each tile flipped or rotated by one of the
                eight symmetries of the square. They are derived works of those samples and keep their licences:

                """, count, side(), side(), seed, grid, grid, tile, tile, samples)
                + SampleImages.licenses();
    }

    private static GrayImage decode(String name) {
        try {
            return ImageDecoder.decode(name, SampleImages.bytes(name));
        } catch (ImageDecodingException e) {
            throw new IllegalStateException("bundled sample " + name + " does not decode: " + e.getMessage(), e);
        }
    }
}

package org.sparecycles.workunits.apps.particlecount;

import java.util.Random;
import org.sparecycles.workunits.image.GrayImage;
import org.sparecycles.workunits.image.ImageDecoder;
import org.sparecycles.workunits.image.ImageDecodingException;
import org.sparecycles.workunits.samples.SampleImages;

/** Images for the tests: the bundled samples, images derived from them, and drawn ones. */
final class TestImages {
    private TestImages() {
    }

    static GrayImage sample(String name) {
        try {
            return ImageDecoder.decode(name, SampleImages.bytes(name));
        } catch (ImageDecodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code width x height} part of the image whose top-left pixel is {@code (x, y)}. */
    static GrayImage crop(GrayImage image, int x, int y, int width, int height) {
        byte[] out = new byte[width * height];
        for (int row = 0; row < height; row++) {
            System.arraycopy(image.pixels(), (y + row) * image.width() + x, out, row * width, width);
        }
        return new GrayImage(width, height, out);
    }

    /** The image turned a quarter clockwise. */
    static GrayImage rotateClockwise(GrayImage image) {
        int w = image.width();
        int h = image.height();
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[x * h + (h - 1 - y)] = image.pixels()[y * w + x];
            }
        }
        return new GrayImage(h, w, out);
    }

    /** The image mirrored left to right. */
    static GrayImage mirror(GrayImage image) {
        int w = image.width();
        byte[] out = new byte[image.pixels().length];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = image.pixels()[y * w + (w - 1 - x)];
            }
        }
        return new GrayImage(w, image.height(), out);
    }

    /** The image with every level {@code v} replaced by {@code 255 - v}. */
    static GrayImage invert(GrayImage image) {
        byte[] out = new byte[image.pixels().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (255 - (image.pixels()[i] & 0xff));
        }
        return new GrayImage(image.width(), image.height(), out);
    }

    /**
     * An image drawn in text, one string per row: {@code #} is 200, {@code +} is 120, {@code .} is 40, digits
     * {@code 0-9} are {@code 25 * digit}.
     */
    static GrayImage drawn(String... rows) {
        int width = rows[0].length();
        byte[] out = new byte[width * rows.length];
        for (int y = 0; y < rows.length; y++) {
            if (rows[y].length() != width) {
                throw new IllegalArgumentException("row " + y + " is not " + width + " wide");
            }
            for (int x = 0; x < width; x++) {
                char c = rows[y].charAt(x);
                int level = switch (c) {
                    case '#' -> 200;
                    case '+' -> 120;
                    case '.' -> 40;
                    default -> 25 * Character.digit(c, 10);
                };
                out[y * width + x] = (byte) level;
            }
        }
        return new GrayImage(width, rows.length, out);
    }

    /** Uniform noise 0..255 from a fixed seed: after blurring, a tangle of shapes with holes and islands. */
    static GrayImage noise(int width, int height, long seed) {
        byte[] out = new byte[width * height];
        new Random(seed).nextBytes(out);
        return new GrayImage(width, height, out);
    }
}

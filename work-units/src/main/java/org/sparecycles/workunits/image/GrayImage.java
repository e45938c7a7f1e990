package org.sparecycles.workunits.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * An 8-bit grayscale image: {@code width * height} unsigned gray levels (0 = black, 255 = white) in raster order,
 * row {@code y} at offset {@code y * width}. The array is not copied; callers must not change it afterwards.
 * Read a level with {@code pixels[i] & 0xff} or {@link #level(int, int)}. Two images are equal when their sizes
 * and levels are.
 */
public record GrayImage(int width, int height, byte[] pixels) {

    /**
     * @throws IllegalArgumentException when a dimension is not positive or the array length is not
     *                                  {@code width * height}
     */
    public GrayImage {
        Objects.requireNonNull(pixels, "pixels");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        }
        if ((long) width * height != pixels.length) {
            throw new IllegalArgumentException(
                    "expected " + (long) width * height + " pixels for " + width + "x" + height + ", got " + pixels.length);
        }
    }

    /** The gray level (0 to 255) at column {@code x}, row {@code y}, both counted from 0 at the top left. */
    public int level(int x, int y) {
        Objects.checkIndex(x, width);
        Objects.checkIndex(y, height);
        return pixels[y * width + x] & 0xff;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GrayImage o && o.width == width && o.height == height
                && Arrays.equals(o.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "GrayImage[" + width + "x" + height + "]";
    }
}

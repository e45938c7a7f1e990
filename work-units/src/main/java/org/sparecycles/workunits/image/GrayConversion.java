package org.sparecycles.workunits.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Turns a decoded {@link BufferedImage} into gray levels by the rules in docs/image-formats.md. Samples are read
 * from the raster, never through {@code getRGB} for gray images: Java treats gray as linear light and would
 * gamma-convert it.
 */
final class GrayConversion {
    private GrayConversion() {
    }

    static GrayImage toGray(BufferedImage image) {
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        int width = raster.getWidth();
        int height = raster.getHeight();
        byte[] levels;
        if (model instanceof IndexColorModel palette) {
            levels = fromPalette(raster, palette);
        } else if (model.getNumColorComponents() == 1 && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            levels = fromGray(raster, model.getComponentSize(0));
        } else if (model.getNumColorComponents() == 3 && model.getColorSpace().getType() == ColorSpace.TYPE_RGB
                && isInteger(raster)) {
            levels = fromRgbSamples(raster, model);
        } else {
            levels = fromArgb(image);
        }
        return new GrayImage(width, height, levels);
    }

    /** The gray level shown for a colour: the unweighted mean of red, green and blue, rounded half up. */
    static int grayOf(int red, int green, int blue) {
        return (red + green + blue + 1) / 3;
    }

    private static byte[] fromPalette(Raster raster, IndexColorModel palette) {
        int size = palette.getMapSize();
        byte[] lut = new byte[Math.max(size, 1 << raster.getSampleModel().getSampleSize(0))];
        for (int i = 0; i < size; i++) {
            lut[i] = (byte) grayOf(palette.getRed(i), palette.getGreen(i), palette.getBlue(i));
        }
        int width = raster.getWidth();
        byte[] levels = new byte[width * raster.getHeight()];
        int[] row = new int[width];
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, row);
            for (int x = 0; x < width; x++) {
                levels[y * width + x] = lut[row[x]];
            }
        }
        return levels;
    }

    private static byte[] fromGray(Raster raster, int bits) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int type = raster.getSampleModel().getDataType();
        if (type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE) {
            return LinearScaling.toLevels(raster.getSamples(raster.getMinX(), raster.getMinY(), width, height, 0,
                    (double[]) null));
        }
        int[] samples = raster.getSamples(raster.getMinX(), raster.getMinY(), width, height, 0, (int[]) null);
        if (bits > 8) {
            return LinearScaling.toLevels(samples);
        }
        int max = (1 << bits) - 1;
        byte[] levels = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            levels[i] = (byte) ((samples[i] * 255 * 2 + max) / (2 * max));
        }
        return levels;
    }

    private static byte[] fromRgbSamples(Raster raster, ColorModel model) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        long[] max = new long[3];
        for (int band = 0; band < 3; band++) {
            max[band] = (1L << model.getComponentSize(band)) - 1;
        }
        byte[] levels = new byte[width * height];
        int[][] rows = new int[3][width];
        for (int y = 0; y < height; y++) {
            for (int band = 0; band < 3; band++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, band, rows[band]);
            }
            for (int x = 0; x < width; x++) {
                levels[y * width + x] = (byte) grayOf(to8Bits(rows[0][x], max[0]), to8Bits(rows[1][x], max[1]),
                        to8Bits(rows[2][x], max[2]));
            }
        }
        return levels;
    }

    /** A component of {@code log2(max + 1)} bits scaled to 0..255, rounded half up. */
    private static int to8Bits(int sample, long max) {
        if (max == 255) {
            return sample;
        }
        long value = sample & max;
        return (int) ((value * 510 + max) / (2 * max));
    }

    private static byte[] fromArgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] levels = new byte[width * height];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int argb = row[x];
                levels[y * width + x] = (byte) grayOf((argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff);
            }
        }
        return levels;
    }

    private static boolean isInteger(Raster raster) {
        int type = raster.getSampleModel().getDataType();
        return type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT || type == DataBuffer.TYPE_INT;
    }
}

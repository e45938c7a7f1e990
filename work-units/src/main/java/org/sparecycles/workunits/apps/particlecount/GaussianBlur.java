package org.sparecycles.workunits.apps.particlecount;

/**
 * Gaussian blur of 8-bit gray images that gives, bit for bit, what ImageJ 1.54's
 * {@code GaussianBlur.blurGaussian(ip, sigma, sigma, 0.002)} gives on a {@code ByteProcessor}: float arithmetic,
 * first along rows then along columns, ImageJ's kernel (radius from the accuracy, edge-smoothed tail,
 * normalised), pixels beyond the border taken equal to the border pixel, result rounded by {@code (int)(v + 0.5f)}
 * and clamped to 0..255.
 *
 * <p>Float addition is not associative, so each output value is accumulated in exactly ImageJ's order: centre
 * term, then the out-of-image weight of the first and of the last pixel, then kernel taps from the centre
 * outwards. Within that order the loops run over whole rows so that the JIT can vectorise them.
 *
 * <p>Only {@code sigma <= } {@link #MAX_SIGMA}: above that ImageJ switches to an approximate blur on downscaled
 * lines, which this class does not reproduce.
 */
final class GaussianBlur {
    /** The largest sigma blurred exactly like ImageJ (which downscales above 2 * 4 + 0.5). */
    static final double MAX_SIGMA = 8.5;
    /** ImageJ's kernel accuracy for 8-bit images. */
    private static final double ACCURACY = 0.002;
    /** ImageJ never cuts a kernel shorter than this many taps, whatever the line length. */
    private static final int MIN_MAX_RADIUS = 50;

    private GaussianBlur() {
    }

    /**
     * Blurs {@code levels} (a {@code width x height} image) with standard deviation {@code sigma} pixels; a new
     * array. {@code sigma == 0} returns a copy.
     */
    static byte[] blur(byte[] levels, int width, int height, double sigma) {
        if (!(sigma >= 0 && sigma <= MAX_SIGMA)) {
            throw new IllegalArgumentException("sigma must be within 0.." + MAX_SIGMA + ": " + sigma);
        }
        if (sigma == 0) {
            return levels.clone();
        }
        float[] rowsDone = new float[width * height];
        Kernel kernel = Kernel.of(sigma, Math.max(width, MIN_MAX_RADIUS));
        blurRows(levels, width, height, kernel, rowsDone);
        kernel = Kernel.of(sigma, Math.max(height, MIN_MAX_RADIUS));
        return blurColumns(rowsDone, width, height, kernel);
    }

    /** One side of ImageJ's kernel: {@code weight[0]} is the centre; {@code tail[i]} the sum of weights beyond i. */
    record Kernel(float[] weight, float[] tail) {
        static Kernel of(double sigma, int maxRadius) {
            int radius = (int) Math.ceil(sigma * Math.sqrt(-2 * Math.log(ACCURACY))) + 1;
            if (radius > maxRadius) {
                throw new IllegalStateException("kernel radius " + radius + " above " + maxRadius);
            }
            float[] weight = new float[radius];
            for (int i = 0; i < radius; i++) {
                weight[i] = (float) Math.exp(-0.5 * i * i / sigma / sigma);
            }
            if (radius < maxRadius && radius > 3) {
                smoothTail(weight);
            }
            double sum = weight[0];
            for (int i = 1; i < radius; i++) {
                sum += 2 * weight[i];
            }
            float[] tail = new float[radius];
            double remaining = 0.5 + 0.5 * weight[0] / sum;
            for (int i = 0; i < radius; i++) {
                double normalised = weight[i] / sum;
                weight[i] = (float) normalised;
                remaining -= normalised;
                tail[i] = (float) remaining;
            }
            return new Kernel(weight, tail);
        }

        /**
         * Replaces the outer taps by a parabola reaching 0 just past the kernel, so the cut-off has no step: the
         * parabola's slope is the smallest sqrt(weight)/distance found walking inwards from the edge.
         */
        private static void smoothTail(float[] weight) {
            int radius = weight.length;
            double sqrtSlope = Double.MAX_VALUE;
            int r = radius;
            while (r > radius / 2) {
                r--;
                double a = Math.sqrt(weight[r]) / (radius - r);
                if (a < sqrtSlope) {
                    sqrtSlope = a;
                } else {
                    break;
                }
            }
            for (int r1 = r + 2; r1 < radius; r1++) {
                weight[r1] = (float) ((radius - r1) * (radius - r1) * sqrtSlope * sqrtSlope);
            }
        }
    }

    private static void blurRows(byte[] levels, int width, int height, Kernel kernel, float[] out) {
        float[] line = new float[width];
        for (int y = 0; y < height; y++) {
            int offset = y * width;
            for (int x = 0; x < width; x++) {
                line[x] = levels[offset + x] & 0xff;
            }
            convolveLine(line, out, offset, kernel);
        }
    }

    /** Convolves one line into {@code out[offset ..]}, in ImageJ's three parts: near the start, inside, near the end. */
    private static void convolveLine(float[] in, float[] out, int offset, Kernel kernel) {
        float[] w = kernel.weight();
        int radius = w.length;
        int length = in.length;
        int firstPart = Math.min(radius, length);
        int insideEnd = length - radius;
        for (int i = 0; i < firstPart; i++) {
            out[offset + i] = edgeValue(in, i, kernel, true, i + radius > length);
        }
        if (insideEnd > firstPart) {
            float w0 = w[0];
            for (int i = firstPart; i < insideEnd; i++) {
                out[offset + i] = in[i] * w0;
            }
            for (int k = 1; k < radius; k++) {
                float wk = w[k];
                for (int i = firstPart; i < insideEnd; i++) {
                    out[offset + i] += wk * (in[i - k] + in[i + k]);
                }
            }
        }
        for (int i = Math.max(firstPart, insideEnd); i < length; i++) {
            out[offset + i] = edgeValue(in, i, kernel, i < radius, i + radius >= length);
        }
    }

    private static float edgeValue(float[] in, int i, Kernel kernel, boolean addFirst, boolean addLast) {
        float[] w = kernel.weight();
        float[] tail = kernel.tail();
        int length = in.length;
        float result = in[i] * w[0];
        if (addFirst) {
            result += tail[i] * in[0];
        }
        if (addLast) {
            result += tail[length - i - 1] * in[length - 1];
        }
        for (int k = 1; k < w.length; k++) {
            float v = 0;
            if (i - k >= 0) {
                v += in[i - k];
            }
            if (i + k < length) {
                v += in[i + k];
            }
            result += w[k] * v;
        }
        return result;
    }

    /**
     * The column pass, done a whole row at a time (the same arithmetic per pixel as ImageJ's column-wise loop),
     * rounding each finished row back to bytes.
     */
    private static byte[] blurColumns(float[] in, int width, int height, Kernel kernel) {
        float[] w = kernel.weight();
        float[] tail = kernel.tail();
        int radius = w.length;
        int firstPart = Math.min(radius, height);
        int insideEnd = height - radius;
        int lastRow = (height - 1) * width;
        byte[] out = new byte[width * height];
        float[] acc = new float[width];
        for (int y = 0; y < height; y++) {
            boolean inside = y >= firstPart && y < insideEnd;
            int row = y * width;
            float w0 = w[0];
            for (int x = 0; x < width; x++) {
                acc[x] = in[row + x] * w0;
            }
            if (!inside) {
                boolean addFirst = y < firstPart || y < radius;
                boolean addLast = y < firstPart ? y + radius > height : y + radius >= height;
                if (addFirst) {
                    addScaledRow(acc, in, 0, tail[y]);
                }
                if (addLast) {
                    addScaledRow(acc, in, lastRow, tail[height - y - 1]);
                }
            }
            for (int k = 1; k < radius; k++) {
                float wk = w[k];
                boolean above = y - k >= 0;
                boolean below = y + k < height;
                int up = (y - k) * width;
                int down = (y + k) * width;
                if (above && below) {
                    for (int x = 0; x < width; x++) {
                        acc[x] += wk * (in[up + x] + in[down + x]);
                    }
                } else if (above) {
                    addScaledRow(acc, in, up, wk);
                } else if (below) {
                    addScaledRow(acc, in, down, wk);
                }
            }
            for (int x = 0; x < width; x++) {
                out[row + x] = toByte(acc[x]);
            }
        }
        return out;
    }

    private static void addScaledRow(float[] acc, float[] in, int row, float factor) {
        for (int x = 0; x < acc.length; x++) {
            acc[x] += factor * in[row + x];
        }
    }

    /** ImageJ's float-to-byte conversion: add 0.5, clamp to 0..255, truncate. */
    private static byte toByte(float value) {
        float v = value + 0.5f;
        if (v < 0f) {
            v = 0f;
        }
        if (v > 255f) {
            v = 255f;
        }
        return (byte) (int) v;
    }
}

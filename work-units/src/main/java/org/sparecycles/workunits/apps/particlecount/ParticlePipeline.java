package org.sparecycles.workunits.apps.particlecount;

import org.sparecycles.workunits.image.GrayImage;

/**
 * The particle-count pipeline on one gray image, a pure function: Gaussian blur (rounded back to 8 bits), Otsu
 * threshold of the blurred image's histogram, foreground {@code > t} (bright objects) or {@code <= t} (dark
 * objects), 8-connected objects of at least {@code minArea} pixels, measured with the original gray levels.
 */
final class ParticlePipeline {
    private ParticlePipeline() {
    }

    static ParticleCount run(GrayImage image, double sigma, Polarity polarity, long minArea) {
        int width = image.width();
        int height = image.height();
        byte[] blurred = GaussianBlur.blur(image.pixels(), width, height, sigma);
        int threshold = OtsuThreshold.of(histogram(blurred));
        boolean[] foreground = new boolean[256];
        for (int level = 0; level < 256; level++) {
            foreground[level] = polarity == Polarity.BRIGHT ? level > threshold : level <= threshold;
        }
        return new ParticleCount(width, height, threshold,
                ConnectedComponents.find(blurred, image.pixels(), width, height, foreground, minArea));
    }

    static int[] histogram(byte[] levels) {
        int[] histogram = new int[256];
        for (byte level : levels) {
            histogram[level & 0xff]++;
        }
        return histogram;
    }

    /** Whether objects are brighter or darker than their background. */
    enum Polarity {
        BRIGHT, DARK;

        /** The polarity named by the app's {@code polarity} parameter, {@code bright} or {@code dark}. */
        static Polarity of(String name) {
            return switch (name) {
                case "bright" -> BRIGHT;
                case "dark" -> DARK;
                default -> throw new IllegalArgumentException("polarity must be bright or dark: " + name);
            };
        }
    }
}

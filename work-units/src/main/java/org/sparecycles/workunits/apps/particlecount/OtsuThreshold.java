package org.sparecycles.workunits.apps.particlecount;

/**
 * Otsu's threshold on a 256-bin histogram, computed as ImageJ 1.54's {@code AutoThresholder} computes it (same
 * double arithmetic and tie rule), so that thresholds agree exactly. Levels {@code <= t} are one class, levels
 * {@code > t} the other.
 */
final class OtsuThreshold {
    private OtsuThreshold() {
    }

    /**
     * The threshold for a histogram of 256 bins.
     * <ul>
     *   <li>Three or more occupied levels: the {@code t} maximising the between-class variance
     *       {@code (mu * P(t) - M(t))^2 / (P(t) * (1 - P(t)))}, where {@code P} and {@code M} are the cumulative
     *       normalised histogram and first moment; the lowest such {@code t} on ties.</li>
     *   <li>Two occupied levels {@code a < b}: {@code b - 1}, which splits them.</li>
     *   <li>One occupied level {@code a}: {@code a - 1} (so {@code -1} for an all-black image): everything is
     *       above the threshold.</li>
     * </ul>
     */
    static int of(int[] histogram) {
        if (histogram.length != 256) {
            throw new IllegalArgumentException("histogram must have 256 bins, not " + histogram.length);
        }
        int occupied = 0;
        int highest = -1;
        for (int level = 0; level < 256; level++) {
            if (histogram[level] > 0) {
                occupied++;
                highest = level;
            }
        }
        if (occupied == 0) {
            throw new IllegalArgumentException("empty histogram");
        }
        if (occupied <= 2) {
            return highest - 1;
        }
        return maximumBetweenClassVariance(histogram);
    }

    private static int maximumBetweenClassVariance(int[] histogram) {
        long total = 0;
        for (int count : histogram) {
            total += count;
        }
        double perPixel = 1.0 / total;
        double[] cumulative = new double[256];
        double[] moment = new double[256];
        cumulative[0] = perPixel * histogram[0];
        for (int level = 1; level < 256; level++) {
            double share = perPixel * histogram[level];
            cumulative[level] = cumulative[level - 1] + share;
            moment[level] = moment[level - 1] + level * share;
        }
        double mean = moment[255];
        int best = Integer.MIN_VALUE;
        double bestVariance = 0;
        for (int level = 0; level < 256; level++) {
            double difference = mean * cumulative[level] - moment[level];
            double variance = difference * (difference / (cumulative[level] * (1.0 - cumulative[level])));
            if (bestVariance < variance) { // false for NaN (an empty class), so those levels never win
                bestVariance = variance;
                best = level;
            }
        }
        return best;
    }
}

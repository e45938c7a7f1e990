package org.sparecycles.workunits.image;

/**
 * Maps samples wider than 8 bits onto gray levels: the smallest finite sample becomes 0, the largest 255, and
 * each sample {@code v} becomes {@code floor((v - min) * 255 / (max - min) + 0.5)} in IEEE double arithmetic
 * (for integer samples this is exactly "round half up"). Non-finite samples become 0; so does everything when
 * there is no spread (all finite samples equal, or none finite).
 */
final class LinearScaling {
    private LinearScaling() {
    }

    static byte[] toLevels(double[] samples) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : samples) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        byte[] levels = new byte[samples.length];
        if (!(max > min)) {
            return levels;
        }
        // halving keeps max - min finite for samples near the ends of the double range; both halves are exact
        double scale = Double.isFinite(max - min) ? 1.0 : 0.5;
        double low = min * scale;
        double range = max * scale - low;
        for (int i = 0; i < samples.length; i++) {
            double v = samples[i];
            if (Double.isFinite(v)) {
                levels[i] = (byte) (int) Math.floor((v * scale - low) * 255.0 / range + 0.5);
            }
        }
        return levels;
    }

    static byte[] toLevels(int[] samples) {
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int v : samples) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        byte[] levels = new byte[samples.length];
        if (max == min) {
            return levels;
        }
        double range = (double) max - min;
        for (int i = 0; i < samples.length; i++) {
            levels[i] = (byte) (int) Math.floor(((double) samples[i] - min) * 255.0 / range + 0.5);
        }
        return levels;
    }
}

package org.sparecycles.workunits.apps.particlecount;

/**
 * One object: an 8-connected set of foreground pixels, with integer sums from which its measurements follow.
 * Coordinates are pixel indices, 0 at the top-left pixel; the bounding box is inclusive-exclusive.
 *
 * @param firstX       column of the object's first pixel in raster order
 * @param firstY       row of that pixel
 * @param area         number of pixels
 * @param sumX         sum of the pixels' columns
 * @param sumY         sum of the pixels' rows
 * @param sumIntensity sum of the pixels' gray levels in the original (unblurred) image
 */
record Particle(int firstX, int firstY, int area, long sumX, long sumY, int minX, int minY, int maxX, int maxY,
                long sumIntensity) {

    int boxWidth() {
        return maxX - minX + 1;
    }

    int boxHeight() {
        return maxY - minY + 1;
    }
}

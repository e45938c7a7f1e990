package org.sparecycles.workunits.apps.particlecount;

import ij.ImagePlus;
import ij.measure.Measurements;
import ij.measure.ResultsTable;
import ij.plugin.filter.Analyzer;
import ij.plugin.filter.GaussianBlur;
import ij.plugin.filter.ParticleAnalyzer;
import ij.process.AutoThresholder;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import java.util.ArrayList;
import java.util.List;
import org.sparecycles.workunits.image.GrayImage;

/**
 * The particle-count pipeline done by ImageJ 1.54 itself, as a researcher would do it in ImageJ:
 * <ol>
 *   <li>{@code GaussianBlur.blurGaussian(ip, sigma, sigma, 0.002)} on a ByteProcessor of the gray image (0.002 is
 *       the accuracy ImageJ's own "Gaussian Blur..." command uses for 8-bit images);</li>
 *   <li>{@code AutoThresholder} Otsu on the blurred image's 256-bin histogram, giving {@code t};</li>
 *   <li>a binary mask, 255 where the blurred level is {@code > t} (bright objects) or {@code <= t} (dark objects),
 *       0 elsewhere - the same split ImageJ's Threshold tool makes for Otsu with dark or light background - with
 *       the threshold set to 255..255 so the analyzer takes exactly the mask's 255 pixels as particles;</li>
 *   <li>{@code ParticleAnalyzer} with neither INCLUDE_HOLES nor FOUR_CONNECTED, i.e. 8-connected tracing and
 *       particles found by 8-connected flood fill, so holes are not filled and a particle inside another's hole
 *       is a particle of its own; size range {@code minArea..infinity} pixels; measurements are redirected to the
 *       unblurred gray image, so "Mean" is the mean of the original levels as in our app.</li>
 * </ol>
 * ImageJ is used only through its public API; nothing of ours is involved except the decoded gray image.
 */
final class ImageJReference {
    private ImageJReference() {
    }

    /** ImageJ's answer: the Otsu threshold and the particles in the order ImageJ finds them (raster order). */
    record Result(int threshold, List<Measured> particles) {
        List<Integer> sortedAreas() {
            return particles.stream().map(Measured::area).sorted().toList();
        }
    }

    /** One row of ImageJ's results table. ImageJ's centroid counts from pixel corners, so it is ours + 0.5. */
    record Measured(int xStart, int yStart, int area, double centroidX, double centroidY, int boxX, int boxY,
                    int boxWidth, int boxHeight, double mean) {
    }

    /** The blurred image as ImageJ computes it (a copy when sigma is 0). */
    static byte[] blur(GrayImage image, double sigma) {
        ByteProcessor ip = new ByteProcessor(image.width(), image.height(), image.pixels().clone());
        if (sigma > 0) {
            new GaussianBlur().blurGaussian(ip, sigma, sigma, 0.002);
        }
        return (byte[]) ip.getPixels();
    }

    static int otsu(int[] histogram) {
        return new AutoThresholder().getThreshold(AutoThresholder.Method.Otsu, histogram.clone());
    }

    static Result analyze(GrayImage image, double sigma, boolean bright, long minArea) {
        int width = image.width();
        int height = image.height();
        byte[] blurred = blur(image, sigma);
        int threshold = otsu(new ByteProcessor(width, height, blurred).getHistogram());

        byte[] mask = new byte[blurred.length];
        for (int i = 0; i < mask.length; i++) {
            int level = blurred[i] & 0xff;
            mask[i] = (byte) ((bright ? level > threshold : level <= threshold) ? 255 : 0);
        }
        ByteProcessor maskIp = new ByteProcessor(width, height, mask);
        maskIp.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
        ImagePlus maskImage = new ImagePlus("mask", maskIp);
        ImagePlus original = new ImagePlus("original", new ByteProcessor(width, height, image.pixels().clone()));

        ResultsTable table = new ResultsTable();
        int measurements = Measurements.AREA | Measurements.CENTROID | Measurements.RECT | Measurements.MEAN;
        ParticleAnalyzer analyzer = new ParticleAnalyzer(ParticleAnalyzer.RECORD_STARTS, measurements, table,
                minArea, Double.POSITIVE_INFINITY);
        Analyzer.setRedirectImage(original);
        try {
            if (!analyzer.analyze(maskImage, maskIp)) {
                throw new IllegalStateException("ImageJ's particle analyzer failed");
            }
        } finally {
            Analyzer.setRedirectImage(null);
        }
        List<Measured> particles = new ArrayList<>();
        for (int row = 0; row < table.size(); row++) {
            particles.add(new Measured((int) table.getValue("XStart", row), (int) table.getValue("YStart", row),
                    (int) table.getValue("Area", row), table.getValue("X", row), table.getValue("Y", row),
                    (int) table.getValue("BX", row), (int) table.getValue("BY", row),
                    (int) table.getValue("Width", row), (int) table.getValue("Height", row),
                    table.getValue("Mean", row)));
        }
        return new Result(threshold, particles);
    }
}

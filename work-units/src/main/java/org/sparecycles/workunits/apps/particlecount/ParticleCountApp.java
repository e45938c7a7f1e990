package org.sparecycles.workunits.apps.particlecount;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.sparecycles.workunits.app.AppException;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.ParameterSpec;
import org.sparecycles.workunits.app.Parameters;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.image.GrayImage;
import org.sparecycles.workunits.image.ImageDecoder;
import org.sparecycles.workunits.image.ImageDecodingException;
import org.sparecycles.workunits.json.CanonicalJson;

/**
 * The built-in {@code particle-count} app: counts and measures objects in gray images. Pipeline (DESIGN.md): decode
 * to 8-bit gray ({@link ImageDecoder}), Gaussian blur with {@code sigma} rounded back to 8 bits, Otsu threshold
 * {@code t} of the blurred image, foreground {@code > t} ({@code polarity=bright}) or {@code <= t}
 * ({@code dark}), 8-connected objects, those smaller than {@code min_area} pixels dropped. Counts and areas equal
 * ImageJ 1.54's (GaussianBlur, AutoThresholder Otsu, ParticleAnalyzer 8-connected without hole filling).
 *
 * <p>Output per file, all numbers exact (decimals rounded half up to 3 places, no binary floating point):
 * {@code file, sha256, width, height, threshold, count, total_area} and {@code objects}, in raster order of each
 * object's first pixel, each with {@code area, centroid_x, centroid_y, bbox_x, bbox_y, bbox_width, bbox_height,
 * mean_intensity}. Coordinates are pixel indices from 0 at the top-left pixel (ImageJ reports centroids 0.5
 * higher, measuring to pixel corners). {@code mean_intensity} is the mean gray level of the object's pixels in
 * the decoded image before blurring: blurring only serves to find the objects.
 *
 * <p>Stateless and thread-safe.
 */
public final class ParticleCountApp implements ScienceApp {
    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.number("sigma", "1", "0", "8.5",
                    "Gaussian blur standard deviation in pixels; 0 means no blur"),
            ParameterSpec.choice("polarity", "dark", List.of("bright", "dark"),
                    "whether objects are brighter or darker than the background"),
            ParameterSpec.integer("min_area", 10, 0L, null, "smallest object kept, in pixels"));
    private static final int DECIMALS = 3;

    @Override
    public String id() {
        return "particle-count";
    }

    @Override
    public String version() {
        return "1.0";
    }

    @Override
    public String description() {
        return "Counts and measures particles in grayscale images (blur, Otsu threshold, 8-connected objects).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    /** Decodes the whole file, so truncated and corrupt images are rejected here, not on a volunteer's machine. */
    @Override
    public void checkInput(InputFile input) throws AppException {
        decode(input);
    }

    @Override
    public ObjectNode analyze(InputFile input, Parameters parameters) throws AppException {
        GrayImage image = decode(input);
        ParticleCount result = ParticlePipeline.run(image, parameters.getDecimal("sigma").doubleValue(),
                ParticlePipeline.Polarity.of(parameters.getString("polarity")), parameters.getLong("min_area"));
        ObjectNode out = CanonicalJson.object();
        out.put("file", input.name());
        out.put("sha256", Sha256.hex(input.content()));
        out.put("width", result.width());
        out.put("height", result.height());
        out.put("threshold", result.threshold());
        out.put("count", result.particles().size());
        out.put("total_area", result.totalArea());
        ArrayNode objects = out.putArray("objects");
        for (Particle p : result.particles()) {
            ObjectNode object = objects.addObject();
            object.put("area", p.area());
            object.set("centroid_x", ratio(p.sumX(), p.area()));
            object.set("centroid_y", ratio(p.sumY(), p.area()));
            object.put("bbox_x", p.minX());
            object.put("bbox_y", p.minY());
            object.put("bbox_width", p.boxWidth());
            object.put("bbox_height", p.boxHeight());
            object.set("mean_intensity", ratio(p.sumIntensity(), p.area()));
        }
        return out;
    }

    private static GrayImage decode(InputFile input) throws AppException {
        try {
            return ImageDecoder.decode(input.name(), input.content());
        } catch (ImageDecodingException e) {
            throw new AppException(e.getMessage(), e);
        }
    }

    /**
     * {@code sum / count} rounded half up to 3 decimals, computed exactly in decimal rather than through a double
     * (as {@code CanonicalJson.decimal} would), so the result never depends on how a JDK prints a double.
     */
    private static DecimalNode ratio(long sum, long count) {
        return DecimalNode.valueOf(BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(count), DECIMALS,
                RoundingMode.HALF_UP));
    }
}

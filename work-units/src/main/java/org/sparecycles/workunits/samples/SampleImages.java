package org.sparecycles.workunits.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.sparecycles.workunits.app.InputFile;

/**
 * The real sample images bundled with {@code work-units} (sources and licences in {@code LICENSES.md} next to them
 * on the classpath): the server's {@code demo} batch and the tests use them. Thread-safe; every call returns fresh
 * arrays and lists that the caller may keep or change.
 */
public final class SampleImages {
    /** The sample file names, in the order a demo batch submits them. */
    private static final List<String> NAMES = List.of(
            "blobs.png", "blobs_original_indexed.png", "coins.png", "dotblot.png", "cell.png", "simple.fits");
    private static final String LICENSES = "LICENSES.md";

    private SampleImages() {
    }

    /** The file names of the samples: {@code blobs.png}, {@code blobs_original_indexed.png}, {@code coins.png},
     * {@code dotblot.png}, {@code cell.png}, {@code simple.fits}. Immutable. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * The bytes of one sample, exactly as distributed.
     *
     * @throws IllegalArgumentException if {@code name} is not one of {@link #names()}
     */
    public static byte[] bytes(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no sample image named " + name + " (samples: " + NAMES + ")");
        }
        return resource(name);
    }

    /** Every sample as an input file named like the sample, in the order of {@link #names()}. */
    public static List<InputFile> inputFiles() {
        List<InputFile> files = new ArrayList<>();
        for (String name : NAMES) {
            files.add(new InputFile(name, resource(name)));
        }
        return files;
    }

    /** The Markdown table of sources and licences of the samples, to show next to them. */
    public static String licenses() {
        return new String(resource(LICENSES), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] resource(String name) {
        try (InputStream in = SampleImages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("sample " + name + " missing from the work-units jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sample " + name, e);
        }
    }
}

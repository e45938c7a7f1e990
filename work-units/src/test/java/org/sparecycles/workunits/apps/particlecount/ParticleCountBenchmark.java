package org.sparecycles.workunits.apps.particlecount;

import ij.Prefs;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.sparecycles.workunits.apps.particlecount.ParticlePipeline.Polarity;
import org.sparecycles.workunits.image.GrayImage;

/**
 * Throughput of our particle-count pipeline against ImageJ 1.54 doing the same on the same decoded gray image in
 * the same JVM (blur, Otsu, threshold, 8-connected particles measured for area, centroid, box and mean).
 * Decoding is left out of both. Run with {@code ./mvnw -B -pl work-units -Pbench verify}; see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParticleCountBenchmark {

    /** sample:sigma:polarity:min_area, the rows of the datasets README. */
    @Param({"blobs.png:0:dark:0", "blobs.png:1:dark:10", "coins.png:2:bright:50", "dotblot.png:1:dark:10",
            "cell.png:2:bright:100"})
    public String run;

    private GrayImage image;
    private double sigma;
    private Polarity polarity;
    private long minArea;

    @Setup
    public void decode() {
        String[] parts = run.split(":");
        image = TestImages.sample(parts[0]);
        sigma = Double.parseDouble(parts[1]);
        polarity = Polarity.of(parts[2]);
        minArea = Long.parseLong(parts[3]);
    }

    @Benchmark
    public ParticleCount sparecycles() {
        return ParticlePipeline.run(image, sigma, polarity, minArea);
    }

    /** ImageJ as it comes: its Gaussian blur uses as many threads as the machine has cores. */
    @Benchmark
    public ImageJReference.Result imagej() {
        return ImageJReference.analyze(image, sigma, polarity == Polarity.BRIGHT, minArea);
    }

    /** ImageJ held to one thread, as our pipeline runs: the per-core comparison (a volunteer runs a task per core). */
    @Benchmark
    public ImageJReference.Result imagejOneThread(OneThread oneThread) {
        return ImageJReference.analyze(image, sigma, polarity == Polarity.BRIGHT, minArea);
    }

    /** Sets ImageJ's thread count to 1 in the forked JVM of the benchmark that asks for this state. */
    @State(Scope.Benchmark)
    public static class OneThread {
        @Setup
        public void oneThread() {
            Prefs.setThreads(1);
        }
    }
}

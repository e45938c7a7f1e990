package org.sparecycles.server.loadtest;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.imageio.ImageIO;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * The load test's work: batches submitted through the server's own batch service, one tiny PNG per work unit,
 * every work unit sent to two hosts with a quorum of 2. Submitting from the setup and from one feeding thread.
 */
final class WorkSupply {
    private final ProjectServer server;
    private final long researcher;
    private final long project;
    private final int batchSize;
    private final RedundancyPolicy policy;
    private final AtomicLong submitted = new AtomicLong();

    WorkSupply(ProjectServer server, long researcher, long project, int batchSize, long deadlineSeconds) {
        this.server = server;
        this.researcher = researcher;
        this.project = project;
        this.batchSize = batchSize;
        this.policy = new RedundancyPolicy(2, 2, 3, 6, deadlineSeconds);
    }

    /** Submits this many work units, in batches of the batch size. */
    void submit(int workUnits) {
        for (int done = 0; done < workUnits; done += batchSize) {
            int n = Math.min(batchSize, workUnits - done);
            List<InputFile> files = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long id = submitted.incrementAndGet();
                files.add(new InputFile(String.format("tile-%08d.png", id), tinyPng(id)));
            }
            server.batches().submit(researcher, project, "load " + submitted.get(), "particle-count",
                    Map.of("sigma", "0", "polarity", "dark", "min_area", "0"), policy, 1, files);
        }
    }

    /**
     * Keeps unsent work available until {@code stop}: submits another batch when fewer results are unsent than the
     * hosts took in the last {@link #AHEAD_SECONDS} (at least two batches' worth), looking once a second. A fixed
     * two batches ran dry at full load: at 3,000 results a second they last under 3 s, less than it takes this
     * thread to submit the next batch while the server has both cores busy. The count over the unsent results' index
     * reads every unsent result (a hundred thousand in a long run: a twentieth of the process's CPU when it ran every
     * second), so it runs when the results submitted less those dispatched come near the limit, and otherwise every
     * 10 s: that estimate leaves out replicas the server added or cancelled (adaptive replication cancels many).
     *
     * @param dispatched results dispatched so far, as the load generator counted them
     */
    void feed(RunCounts counts, LongSupplier dispatched, AtomicBoolean stop) throws SQLException,
            InterruptedException {
        long floor = 4L * batchSize;
        long lastCount = System.nanoTime();
        long lastLook = lastCount;
        long lastDispatched = dispatched.getAsLong();
        double perSecond = 0;
        while (!stop.get()) {
            long now = System.nanoTime();
            long taken = dispatched.getAsLong();
            if (now - lastLook >= 1_000_000_000L) {
                perSecond = (taken - lastDispatched) * 1e9 / (now - lastLook);
                lastLook = now;
                lastDispatched = taken;
            }
            long limit = Math.max(floor, (long) (perSecond * AHEAD_SECONDS));
            long estimate = 2 * submitted.get() - taken;
            boolean count = estimate < 2 * limit || now - lastCount >= 10_000_000_000L;
            if (count) {
                lastCount = now;
            }
            if (count && counts.unsent() < limit) {
                submit(batchSize);
            } else {
                synchronized (this) {
                    wait(1000);
                }
            }
        }
    }

    /** Seconds of the hosts' recent pace the feed keeps unsent. */
    static final int AHEAD_SECONDS = 10;

    /** An 8x8 gray PNG whose pixels spell the number, so every input is a different file. */
    static byte[] tinyPng(long id) {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int i = 0; i < 64; i++) {
            raster.setSample(i % 8, i / 8, 0, i < 8 ? (int) ((id >>> (8 * i)) & 0xff) : (i * 37) & 0xff);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

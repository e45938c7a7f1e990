package org.sparecycles.client.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.worker.Slot;
import org.sparecycles.client.worker.WorkerExit;
import org.sparecycles.client.worker.WorkerLauncher;
import org.sparecycles.client.worker.WorkerProcess;
import org.sparecycles.client.worker.WorkerTask;
import org.sparecycles.workunits.samples.SampleImages;

/** The slots' waiting workers, with a real worker JVM. */
class WorkerSlotsTest {
    @TempDir
    Path tmp;

    /**
     * A worker dismissed after its grace is still exiting for a moment; the client's stop, which then writes
     * {@code cpu.json} with its ended children's CPU, must wait for it, or that worker's whole CPU is missing there.
     */
    @Test
    void workersDismissedWithoutWaitingAreWaitedForWhenAllAreDismissed() throws Exception {
        ClientConfig config = ClientConfig.builder().server("http://127.0.0.1:9/").email("v@example.org")
                .password("pw").dataDir(tmp).cores(1).build();
        WorkerLauncher launcher = new WorkerLauncher();
        WorkerSlots slots = new WorkerSlots(tmp.resolve("slots"), config, launcher, null);
        Slot slot = slots.slot(0);
        slot.clear();
        Path input = Files.write(tmp.resolve("blobs.png"), SampleImages.bytes("blobs.png"));
        slot.writeTask(new WorkerTask(42, "wu_42_0", "particle-count", "1.0", EngineTests.PARAMETERS,
                List.of(new WorkerTask.Input("blobs.png", input.toString())), "none", 0));
        WorkerProcess worker = launcher.start(slot, 128L << 20);
        try {
            assertEquals(WorkerExit.OK, worker.task().get(EngineTests.BOUND.toSeconds(), TimeUnit.SECONDS),
                    () -> slot.readError()); // done: it waits for the slot's next task
            Instant now = Instant.now();
            slots.keepIdle(0, worker, now);
            slots.dismissIdle(now.plus(WorkerSlots.IDLE_WORKER_GRACE), false); // dismissed, not waited for

            slots.dismissAllAndWait();

            assertFalse(worker.isAlive(), "the dismissed worker was still running when all were said to be gone");
        } finally {
            worker.stop();
        }
    }
}

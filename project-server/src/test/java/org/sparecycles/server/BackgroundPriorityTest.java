package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.lifecycle.CpuPriority;
import org.sparecycles.workunits.protocol.SchedulerReply;

/** The server's threads as Linux sees them (CI runs on Linux): the passes' threads niced, the request threads not. */
class BackgroundPriorityTest {
    @TempDir
    Path dir;

    @Test
    void backgroundPassesRunBelowThePriorityOfTheThreadsThatServeRequests() throws IOException {
        int process = CpuPriority.nice(Files.readString(Path.of("/proc/self/stat")));
        try (TestServer t = TestServer.start(dir, b -> b.backgroundNice(6))) {
            Api volunteer = t.volunteer();
            long host = t.host(volunteer, 10);
            t.schedule(volunteer, host, 0).expect(200, SchedulerReply.class);

            long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!niceOf("sparecycles-bac").contains(process + 6) && System.nanoTime() < bound) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertTrue(niceOf("sparecycles-bac").contains(process + 6),
                    "the passes' thread (named sparecycles-background) at nice " + (process + 6) + ": "
                            + niceOf("sparecycles-bac"));
            List<Integer> requestThreads = niceOf("XNIO-");
            assertFalse(requestThreads.isEmpty(), "Undertow's threads are there");
            requestThreads.forEach(n -> assertEquals(process, n, "Undertow's threads at the process's nice value"));
        }
    }

    /** The nice values of this process's threads whose kernel name (15 characters at most) starts so. */
    private static List<Integer> niceOf(String namePrefix) throws IOException {
        List<Integer> found = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException ended) {
                    continue;
                }
                if (stat.substring(stat.indexOf('(') + 1).startsWith(namePrefix)) {
                    found.add(CpuPriority.nice(stat));
                }
            }
        }
        return found;
    }
}

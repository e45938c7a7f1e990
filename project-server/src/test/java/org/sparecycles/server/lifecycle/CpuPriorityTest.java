package org.sparecycles.server.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Runs on Linux, as CI does: the nice values are read back from {@code /proc}. */
class CpuPriorityTest {
    /** Lines of /proc/<pid>/task/<tid>/stat read on the CI kind of machine (Debian 12), 2026-12-06. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // a background thread of the server, lowered by 10
        "8623 (sparecycles-bac) R 1 8587 31340 0 -1 4194368 18911 118 0 0 116 19 0 0 30 10 92 0 2297506 9267712000"
                + " 362335 18446744073709551615 93827760607232 93827760608117 140722892288512 0 0 0 4 2 16800973 0 0"
                + " 0 -1 1 0 0 0 0 0 93827760618816 93827760619544 93828733874176 140722892294795 140722892294897"
                + " 140722892294897 140722892296170 0 | 10",
        // a system process that runs at nice -10
        "1 (process_api) S 0 0 0 0 -1 4194560 941 160770839 0 8372 1 21 2061012 449533 10 -10 19 0 25 50233344 2502"
                + " 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0 | -10",
        // a Java thread named "odd) name (x": the name holds spaces and parentheses
        "12141 (odd) name (x) R 12118 12118 31340 0 -1 4194368 24 0 0 0 0 0 0 0 20 0 21 0 2437489 9190866944 22287"
                + " 18446744073709551615 94766003965952 94766003966837 140729443612656 0 0 0 4 0 16800975 0 0 0 -1 1 0"
                + " 0 0 0 0 94766003977536 94766003978264 94766429401088 140729443617507 140729443617521"
                + " 140729443617521 140729443618794 0 | 0",
    })
    void theNiceValueIsField19OfAStatLine(String stat, int nice) {
        assertEquals(nice, CpuPriority.nice(stat));
    }

    @Test
    void textThatIsNotAStatLineIsRefusedSayingWhatItWas() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuPriority.nice("42 (x) R 1"));
        assertEquals("not a /proc stat line: '42 (x) R 1'", e.getMessage());
    }

    @Test
    void aLoweredThreadRunsAtTheProcessNicePlusTheIncrementAndTheOthersDoNot() throws Exception {
        int process = CpuPriority.nice(Files.readString(Path.of("/proc/self/stat")));
        int before = ownNice();
        AtomicReference<int[]> seen = new AtomicReference<>();
        Thread lowered = new Thread(() -> {
            boolean done = CpuPriority.lowerCurrentThread(5);
            int own = ownNice();
            AtomicInteger child = new AtomicInteger(Integer.MIN_VALUE);
            Thread started = new Thread(() -> child.set(ownNice()));
            started.start();
            join(started);
            seen.set(new int[] {done ? 1 : 0, own, child.get()});
        });
        lowered.start();
        lowered.join();
        assertEquals(1, seen.get()[0], "lowered");
        assertEquals(Math.min(CpuPriority.MAX_NICE, process + 5), seen.get()[1], "the thread's nice value");
        assertEquals(seen.get()[1], seen.get()[2], "a thread it starts inherits the nice value");
        assertEquals(before, ownNice(), "the calling thread of the test is not touched");
    }

    @Test
    void incrementsOutsideZeroToNineteenAreRefusedAndZeroLeavesTheThreadAsItIs() {
        assertThrows(IllegalArgumentException.class, () -> CpuPriority.lowerCurrentThread(-1));
        assertThrows(IllegalArgumentException.class, () -> CpuPriority.lowerCurrentThread(20));
        int before = ownNice();
        assertEquals(false, CpuPriority.lowerCurrentThread(0));
        assertEquals(before, ownNice());
    }

    @Test
    void workSharesRunOnHelperThreadsLoweredByTheIncrementGiven() {
        int process;
        try {
            process = CpuPriority.nice(Files.readString(Path.of("/proc/self/stat")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Integer> niceByThread = new ConcurrentHashMap<>();
        List<Long> items = LongStream.rangeClosed(1, 100).boxed().toList();
        try (WorkShares shares = new WorkShares(3, 7)) {
            shares.run(items, id -> id, share -> niceByThread.put(Thread.currentThread().getName(), ownNice()));
        }
        assertEquals(3, niceByThread.size(), niceByThread::toString);
        niceByThread.forEach((thread, nice) -> {
            if (thread.startsWith("sparecycles-background-helper-")) {
                assertEquals(Math.min(CpuPriority.MAX_NICE, process + 7), nice, thread);
            }
        });
        assertEquals(2, niceByThread.keySet().stream().filter(t -> t.startsWith("sparecycles-background-helper-"))
                .count(), niceByThread::toString);
    }

    private static int ownNice() {
        try {
            return CpuPriority.nice(Files.readString(Path.of("/proc/thread-self/stat")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package org.sparecycles.server.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class WorkSharesTest {
    @Test
    void everyItemIsWorkedOnOnceEachShareOnOneThreadInTheOrderGiven() {
        List<Long> items = LongStream.rangeClosed(1, 1000).boxed().toList();
        Map<String, List<Long>> byThread = new ConcurrentHashMap<>();
        try (WorkShares shares = new WorkShares(3)) {
            shares.run(items, id -> id, share -> byThread.computeIfAbsent(Thread.currentThread().getName(),
                    k -> Collections.synchronizedList(new ArrayList<>())).addAll(share));
        }
        assertEquals(3, byThread.size(), byThread.keySet()::toString);
        assertTrue(byThread.containsKey(Thread.currentThread().getName()), "the calling thread takes a share");
        List<Long> all = new ArrayList<>();
        for (List<Long> share : byThread.values()) {
            assertEquals(1, share.stream().map(id -> id % 3).distinct().count(), "one share per work unit id class");
            assertEquals(share.stream().sorted().toList(), share, "a share keeps the order given");
            all.addAll(share);
        }
        Collections.sort(all);
        assertEquals(items, all);
    }

    @Test
    void aFailedShareIsThrownOnceAllSharesAreDone() {
        Map<Long, Boolean> done = new ConcurrentHashMap<>();
        try (WorkShares shares = new WorkShares(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> shares.run(List.of(1L, 2L, 3L,
                    4L), id -> id, share -> {
                        if (share.contains(2L)) {
                            throw new IllegalStateException("share of even ids failed");
                        }
                        share.forEach(id -> done.put(id, true));
                    }));
            assertEquals("share of even ids failed", e.getMessage());
            assertEquals(Map.of(1L, true, 3L, true), done, "the other share ran to its end");
        }
    }

    @Test
    void oneThreadOrOneItemStaysOnTheCallingThread() {
        String caller = Thread.currentThread().getName();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (WorkShares one = new WorkShares(1); WorkShares four = new WorkShares(4)) {
            one.run(List.of(1L, 2L, 3L), id -> id, share -> seen.add(Thread.currentThread().getName()));
            four.run(List.of(7L), id -> id, share -> seen.add(Thread.currentThread().getName()));
        }
        assertEquals(List.of(caller, caller), seen);
    }
}

package org.sparecycles.server.assimilation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AssimilatorGroupsTest {
    private static final long MB = 1L << 20;

    @Test
    void aBacklogOfLargeOutputsIsMergedAFewMegabytesToATransaction() {
        // 60 work units of 2.7 MB each (LargeBatchTest's dots), all waiting at once: 3 to a transaction, not 60
        long[] sizes = new long[60];
        Arrays.fill(sizes, 2_700_000);
        List<Integer> groups = groups(sizes);
        assertEquals(20, groups.size(), groups::toString);
        groups.forEach(n -> assertEquals(3, n));
    }

    @Test
    void smallOutputsGoAHundredToATransactionAndAnOversizedOneAlone() {
        long[] small = new long[250];
        Arrays.fill(small, 1_000);
        assertEquals(List.of(100, 100, 50), groups(small));
        assertEquals(List.of(1, 1, 2), groups(new long[] {40 * MB, 5 * MB, 4 * MB, 4 * MB}), "8 MiB at most, one at least");
    }

    private static List<Integer> groups(long[] sizes) {
        List<Integer> lengths = new ArrayList<>();
        for (int from = 0, to; from < sizes.length; from = to) {
            to = Assimilator.groupEnd(sizes, from);
            lengths.add(to - from);
        }
        return lengths;
    }
}

package org.sparecycles.workunits.compare;

import java.util.Arrays;

/**
 * Decides whether two outputs of the same work unit agree. The validator groups results with it to find a
 * quorum. Implementations must be symmetric and pure; thread-safe.
 */
@FunctionalInterface
public interface ResultComparator {

    /** True when the two canonical outputs count as the same answer. */
    boolean agree(byte[] first, byte[] second);

    /**
     * Byte equality: right for apps whose canonical output is deterministic on every platform, such as the
     * integer pipeline of {@code particle-count}.
     */
    static ResultComparator exact() {
        return Arrays::equals;
    }
}

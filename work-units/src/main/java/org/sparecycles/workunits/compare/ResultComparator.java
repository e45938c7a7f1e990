package org.sparecycles.workunits.compare;

import java.util.Arrays;

/**
 * Decides whether two outputs of the same work unit agree. The validator groups results with it to find a
 * quorum. Implementations must be reflexive (an output agrees with itself), symmetric and pure; thread-safe.
 */
@FunctionalInterface
public interface ResultComparator {

    /** True when the two canonical outputs count as the same answer. */
    boolean agree(byte[] first, byte[] second);

    /**
     * Whether two outputs agree exactly when their bytes are equal. Then a validator may compare outputs by their
     * SHA-256 alone, without reading them.
     */
    default boolean byteExact() {
        return false;
    }

    /**
     * Byte equality: right for apps whose canonical output is deterministic on every platform, such as the
     * integer pipeline of {@code particle-count}.
     */
    static ResultComparator exact() {
        return new ResultComparator() {
            @Override
            public boolean agree(byte[] first, byte[] second) {
                return Arrays.equals(first, second);
            }

            @Override
            public boolean byteExact() {
                return true;
            }
        };
    }
}

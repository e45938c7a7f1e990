package org.sparecycles.workunits.compare;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResultComparatorTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void exactAgreesOnEqualBytesOnlyAndSaysSoSoOutputsMayBeComparedByHash() {
        ResultComparator exact = ResultComparator.exact();

        assertTrue(exact.agree(bytes("{\"count\":3}"), bytes("{\"count\":3}")));
        assertFalse(exact.agree(bytes("{\"count\":3}"), bytes("{\"count\":4}")));
        assertTrue(exact.byteExact());
    }

    @Test
    void aComparatorWithAToleranceIsNotByteExact() {
        ResultComparator tolerant = (a, b) -> Math.abs(a.length - b.length) <= 1;

        assertTrue(tolerant.agree(bytes("1.00"), bytes("1.0")), "agrees on different bytes");
        assertFalse(tolerant.byteExact(), "so a validator must read and compare the outputs");
    }
}

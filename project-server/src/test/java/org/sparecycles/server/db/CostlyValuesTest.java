package org.sparecycles.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CostlyValuesTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicInteger computed = new AtomicInteger();
    private final CostlyValues<String, Integer> values = new CostlyValues<>(now::get);

    /** A computation that takes {@code cost} on the test's clock and returns how many have run. */
    private Integer taking(Duration cost) {
        now.addAndGet(cost.toNanos());
        return computed.incrementAndGet();
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aCheapValueIsComputedEveryTime() {
        assertEquals(1, values.get("k", () -> taking(Duration.ofMillis(99))));
        assertEquals(2, values.get("k", () -> taking(Duration.ofMillis(99))));
    }

    @Test
    void aCostlyValueIsReusedForFiveTimesItsCostThenComputedAgain() {
        assertEquals(1, values.get("k", () -> taking(Duration.ofSeconds(2))));
        advance(Duration.ofMillis(9_900));
        assertEquals(1, values.get("k", () -> taking(Duration.ofSeconds(2))), "within 10 s of being computed");
        assertEquals(2, values.get("other", () -> taking(Duration.ofMillis(1))), "other keys are their own");
        advance(Duration.ofMillis(200));
        assertEquals(3, values.get("k", () -> taking(Duration.ofSeconds(2))), "10 s after: computed again");
    }

    @Test
    void noValueIsOlderThanThirtySecondsAndForgetDropsIt() {
        assertEquals(1, values.get("k", () -> taking(Duration.ofSeconds(20))));
        advance(CostlyValues.MAX_AGE.minusSeconds(1));
        assertEquals(1, values.get("k", () -> taking(Duration.ofSeconds(20))));
        advance(Duration.ofSeconds(2));
        assertEquals(2, values.get("k", () -> taking(Duration.ofSeconds(20))), "30 s, not 100 s");
        values.forget("k");
        assertEquals(3, values.get("k", () -> taking(Duration.ofSeconds(20))));
    }
}

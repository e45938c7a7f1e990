package org.sparecycles.client.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition with a bound, re-checking every few milliseconds; never a fixed sleep. */
public final class Await {
    private Await() {
    }

    /** A condition that may throw while the thing it looks at is not ready. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Returns as soon as the condition holds; fails with the message when the bound passes first. */
    public static void until(Condition condition, Duration bound, Supplier<String> failure)
            throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        Object monitor = new Object();
        Exception last = null;
        while (System.nanoTime() < end) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            synchronized (monitor) {
                monitor.wait(20);
            }
        }
        throw new AssertionError(failure.get(), last);
    }
}

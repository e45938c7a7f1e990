package org.sparecycles.client.e2e;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits on a condition with a bound instead of sleeping a fixed time. */
final class Await {
    private Await() {
    }

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    static void until(Condition condition, Duration bound, Supplier<String> failure) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        Object monitor = new Object();
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception e) {
                if (System.nanoTime() > end) {
                    throw new AssertionError(failure.get(), e);
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(failure.get());
            }
            synchronized (monitor) {
                monitor.wait(100);
            }
        }
    }
}

package org.sparecycles.client.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The engine's threads stop cleanly: nothing runs after the shut-down step, and the threads are gone after it. */
class EngineLoopTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @Test
    void whatIsPostedWhileTheShutDownStepRunsNeverRunsAfterIt() {
        EngineLoop loop = new EngineLoop(e -> { });
        List<String> ran = new CopyOnWriteArrayList<>();

        loop.shutDownAfter(() -> {
            loop.post(() -> ran.add("a reply that came in meanwhile")); // queued behind the shut-down step
            ran.add("shut down");
        }, BOUND);

        assertEquals(List.of("shut down"), ran);
    }

    @Test
    void shutDownReturnsOnceABackgroundCallHasEndedAndDropsItsOutcome() throws Exception {
        EngineLoop loop = new EngineLoop(e -> { });
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean callEnded = new AtomicBoolean();
        AtomicBoolean outcomeHandled = new AtomicBoolean();
        loop.background(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(); // a blocking call that gives way to the interrupt
            } finally {
                callEnded.set(true);
            }
            return null;
        }, v -> outcomeHandled.set(true), e -> outcomeHandled.set(true));
        assertTrue(started.await(BOUND.toSeconds(), TimeUnit.SECONDS));

        loop.shutDownAfter(() -> { }, BOUND);

        assertTrue(callEnded.get(), "the I/O thread had ended when shutDownAfter returned");
        assertFalse(outcomeHandled.get(), "its outcome was not handled after the shut-down step");
    }
}

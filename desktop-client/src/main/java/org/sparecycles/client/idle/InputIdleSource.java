package org.sparecycles.client.idle;

import java.time.Duration;

/**
 * Time since the user last touched keyboard or mouse, from the platform. One implementation per platform;
 * {@link InputIdleSources#forThisMachine()} picks it. Call from one thread.
 */
public interface InputIdleSource extends AutoCloseable {
    /** Time since the last input; null when this source cannot tell (now or ever). */
    Duration idleTime();

    /** Which signal this is, for the event log and the UI ("X11 XScreenSaver on :0"). */
    String name();

    @Override
    default void close() {
    }
}

package org.sparecycles.client.idle;

import java.time.Duration;
import java.util.Locale;

/** The one place that picks the input-idle signal for this machine. */
public final class InputIdleSources {
    private InputIdleSources() {
    }

    /**
     * Windows: GetLastInputInfo; macOS: HIDIdleTime; elsewhere X11 when {@code DISPLAY} names a reachable X
     * server with the screen-saver extension, else logind's idle hint, else {@link #unknown()}.
     */
    public static InputIdleSource forThisMachine() {
        return forDisplay(System.getenv("DISPLAY"));
    }

    /** As {@link #forThisMachine()}, with the X display given (tests use their own Xvfb). */
    public static InputIdleSource forDisplay(String display) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        try {
            if (os.startsWith("windows")) {
                return new WindowsInputIdle();
            }
            if (os.contains("mac")) {
                return new MacInputIdle();
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return unknown();
        }
        return X11InputIdle.open(display)
                .or(() -> LogindInputIdle.open(System.getenv("XDG_SESSION_ID")))
                .orElseGet(InputIdleSources::unknown);
    }

    /** No signal: every reading is unknown (the policy then treats the machine as in use). */
    public static InputIdleSource unknown() {
        return new InputIdleSource() {
            @Override
            public Duration idleTime() {
                return null;
            }

            @Override
            public String name() {
                return "none (no input-idle signal on this machine)";
            }
        };
    }
}

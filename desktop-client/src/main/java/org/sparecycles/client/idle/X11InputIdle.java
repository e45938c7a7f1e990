package org.sparecycles.client.idle;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Structure;
import com.sun.jna.platform.unix.X11;
import java.time.Duration;
import java.util.Optional;

/**
 * User-input idle time on X11 from the MIT-SCREEN-SAVER extension ({@code XScreenSaverQueryInfo}), through JNA.
 * Keeps one display connection open for its whole life: opening one per reading would cost a round of
 * authentication each time.
 */
final class X11InputIdle implements InputIdleSource {
    /** libXss, loaded on first use. */
    interface Xss extends Library {
        int XScreenSaverQueryExtension(X11.Display display, int[] eventBase, int[] errorBase);

        int XScreenSaverQueryInfo(X11.Display display, X11.Drawable drawable, Info info);
    }

    /** {@code XScreenSaverInfo}. */
    @Structure.FieldOrder({"window", "state", "kind", "tilOrSince", "idle", "eventMask"})
    public static final class Info extends Structure {
        public NativeLong window;
        public int state;
        public int kind;
        public NativeLong tilOrSince;
        public NativeLong idle;
        public NativeLong eventMask;
    }

    private final String displayName;
    private final Xss xss;
    private X11.Display display;
    private final X11.Window root;
    private final Info info = new Info();

    private X11InputIdle(String displayName, Xss xss, X11.Display display) {
        this.displayName = displayName;
        this.xss = xss;
        this.display = display;
        this.root = X11.INSTANCE.XDefaultRootWindow(display);
    }

    /** Opens the display; empty when there is no X server, no libXss or no screen-saver extension. */
    static Optional<InputIdleSource> open(String displayName) {
        if (displayName == null || displayName.isBlank()) {
            return Optional.empty();
        }
        try {
            Xss xss = Native.load("Xss", Xss.class);
            X11.Display display = X11.INSTANCE.XOpenDisplay(displayName);
            if (display == null) {
                return Optional.empty();
            }
            if (xss.XScreenSaverQueryExtension(display, new int[1], new int[1]) == 0) {
                X11.INSTANCE.XCloseDisplay(display);
                return Optional.empty();
            }
            return Optional.of(new X11InputIdle(displayName, xss, display));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized Duration idleTime() {
        if (display == null || xss.XScreenSaverQueryInfo(display, root, info) == 0) {
            return null;
        }
        return Duration.ofMillis(info.idle.longValue());
    }

    @Override
    public String name() {
        return "X11 XScreenSaver on " + displayName;
    }

    @Override
    public synchronized void close() {
        if (display != null) {
            X11.INSTANCE.XCloseDisplay(display);
            display = null;
        }
    }
}

package org.sparecycles.client.testing;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Xvfb per test JVM, on a display number Xvfb picks itself ({@code -displayfd}), so tests run on a clean
 * machine with no X server and no {@code DISPLAY}. The C environment's {@code DISPLAY} is set through libc, where
 * GTK (JavaFX's glass) reads it; child processes get it from {@link #display()}. Torn down when the JVM exits.
 */
public final class Xvfb {
    private static Process process;
    private static String display;
    private static com.sun.jna.platform.unix.X11.Display keepAlive;

    private Xvfb() {
    }

    interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /** Starts Xvfb once (1280x1024, 24-bit) and returns its display, e.g. {@code :1}. */
    public static synchronized String display() throws IOException {
        if (display != null) {
            return display;
        }
        Process p = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp",
                "-terminate", "+extension", "MIT-SCREEN-SAVER").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String number = out.readLine();
        if (number == null || !number.trim().matches("\\d+")) {
            p.destroyForcibly();
            throw new IOException("Xvfb did not report a display number (is the xvfb package installed?)");
        }
        process = p;
        display = ":" + number.trim();
        Native.load("c", LibC.class).setenv("DISPLAY", display, 1);
        // Xvfb -terminate exits when its last client leaves: this connection lives as long as the JVM, so the
        // server outlives every test and goes with the JVM. Killing it earlier would make GTK exit the JVM.
        keepAlive = com.sun.jna.platform.unix.X11.INSTANCE.XOpenDisplay(display);
        return display;
    }

    /** Runs xdotool on the display (e.g. {@code mousemove 10 10}) and waits for it. */
    public static void xdotool(String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(concat("xdotool", args)).redirectErrorStream(true);
        pb.environment().put("DISPLAY", display());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("xdotool " + String.join(" ", args) + " failed: " + out);
        }
    }

    private static List<String> concat(String first, String... rest) {
        List<String> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(List.of(rest));
        return all;
    }
}

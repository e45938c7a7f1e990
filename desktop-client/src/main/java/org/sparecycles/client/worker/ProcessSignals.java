package org.sparecycles.client.worker;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Locale;

/**
 * Stops and continues a process in place (SIGSTOP/SIGCONT through libc, as BOINC does on Unix), so a suspended
 * task keeps its memory and loses no work. Where signals do not exist (Windows) {@link #supported()} is false and
 * the engine stops the worker instead; it then resumes from its checkpoint.
 */
public final class ProcessSignals {
    private static final String OS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    private static final boolean MAC = OS.contains("mac");
    private static final int SIGSTOP = MAC ? 17 : 19;
    private static final int SIGCONT = MAC ? 19 : 18;

    private ProcessSignals() {
    }

    interface CLib extends Library {
        int kill(int pid, int signal);
    }

    private static final class Holder {
        static final CLib LIBC = load();

        private static CLib load() {
            try {
                return Native.load("c", CLib.class);
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                return null;
            }
        }
    }

    /** True when processes can be stopped and continued in place on this OS. */
    public static boolean supported() {
        return !OS.startsWith("windows") && Holder.LIBC != null;
    }

    /** Stops the process in place; false when that is not possible. */
    public static boolean stop(long pid) {
        return supported() && Holder.LIBC.kill((int) pid, SIGSTOP) == 0;
    }

    /** Continues a process stopped by {@link #stop}; false when that is not possible. */
    public static boolean proceed(long pid) {
        return supported() && Holder.LIBC.kill((int) pid, SIGCONT) == 0;
    }
}

package org.sparecycles.server.lifecycle;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the CPU priority of the background passes' threads. When scheduler requests and background passes both
 * want the processors, the requests then go first and the passes take what is left: a volunteer's request is
 * waited for, a validation can wait a few milliseconds. BOINC projects get the same by running their daemons under
 * {@code nice}. On Linux every thread has its own nice value, set here with {@code setpriority(2)} through JNA;
 * elsewhere, or when the system refuses, this does nothing after one warning. Thread-safe.
 */
public final class CpuPriority {
    /** The highest (least favoured) nice value of Linux. */
    public static final int MAX_NICE = 19;
    private static final Logger LOG = LoggerFactory.getLogger(CpuPriority.class);
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private CpuPriority() {
    }

    /**
     * Sets the calling thread's nice value to the process's plus {@code by}, at most {@value #MAX_NICE}. Threads
     * the caller starts afterwards inherit it.
     *
     * @param by 0 to {@value #MAX_NICE}; 0 leaves the thread as it is
     * @return whether the thread now runs at the lower priority (false for 0, or where it cannot be done)
     */
    public static boolean lowerCurrentThread(int by) {
        checkIncrement(by);
        if (by == 0) {
            return false;
        }
        if (!LINUX) {
            warnOnce("thread priorities are set on Linux only; the background passes run at the requests' priority",
                    null);
            return false;
        }
        try {
            int target = Math.min(MAX_NICE, nice(Files.readString(Path.of("/proc/self/stat"))) + by);
            // "/proc/thread-self" links to "<pid>/task/<tid>"; Linux takes a thread id where setpriority wants a process
            int tid = Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
            LibC.INSTANCE.setpriority(LibC.PRIO_PROCESS, tid, target);
            return true;
        } catch (IOException | RuntimeException | LinkageError e) {
            warnOnce("could not lower the priority of background thread " + Thread.currentThread().getName()
                    + "; the background passes run at the requests' priority", e);
            return false;
        }
    }

    /**
     * Daemon threads that lower their own priority by {@code by} ({@link #lowerCurrentThread}) before they run
     * anything.
     *
     * @param name the name of the n-th thread made, from 1
     * @param by   0 to {@value #MAX_NICE}; checked here, not in the threads
     */
    public static ThreadFactory daemonThreads(IntFunction<String> name, int by) {
        checkIncrement(by);
        AtomicInteger made = new AtomicInteger();
        return r -> {
            Thread t = new Thread(() -> {
                lowerCurrentThread(by);
                r.run();
            }, name.apply(made.incrementAndGet()));
            t.setDaemon(true);
            return t;
        };
    }

    private static void checkIncrement(int by) {
        if (by < 0 || by > MAX_NICE) {
            throw new IllegalArgumentException("nice increment must be 0 to " + MAX_NICE + ": " + by);
        }
    }

    /**
     * The nice value in the text of {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat}: field 19,
     * counted after the command name in parentheses, which may itself hold spaces and parentheses.
     *
     * @throws IllegalArgumentException when the text is not such a line
     */
    public static int nice(String stat) {
        int end = stat.lastIndexOf(')');
        String[] fields = end < 0 ? new String[0] : stat.substring(end + 1).trim().split("\\s+");
        // fields[0] is field 3 (the state), so field 19 is fields[16]
        if (fields.length < 17) {
            throw new IllegalArgumentException("not a /proc stat line: '" + stat.strip() + "'");
        }
        try {
            return Integer.parseInt(fields[16]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("no nice value in field 19 of '" + stat.strip() + "'", e);
        }
    }

    private static void warnOnce(String message, Throwable cause) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn(cause == null ? message : message + ": " + cause);
        }
    }

    /** The C library's {@code setpriority}; loaded on first use, on Linux only. */
    interface LibC extends Library {
        int PRIO_PROCESS = 0;
        LibC INSTANCE = Native.load("c", LibC.class);

        int setpriority(int which, int who, int prio) throws LastErrorException;
    }
}

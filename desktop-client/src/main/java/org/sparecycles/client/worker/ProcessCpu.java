package org.sparecycles.client.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CPU times of this process and of its children that have ended, where the OS tells them: {@code /proc/self/stat}
 * on Linux. The children's times are those of every child the process has waited for (the JDK waits for each
 * process it started), so after the workers have exited they hold the workers' whole CPU, JVM start and exit
 * included.
 */
public final class ProcessCpu {
    /** Linux reports these times in clock ticks of {@code USER_HZ}, 100 per second on every Linux ABI. */
    static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /**
     * CPU seconds of a process.
     *
     * @param selfSeconds     user plus system time of the process itself
     * @param childrenSeconds user plus system time of its ended children it waited for
     */
    public record Times(double selfSeconds, double childrenSeconds) {
    }

    /** This process's times; empty when unknown (not Linux). */
    public static Optional<Times> current() {
        try {
            return Optional.of(parseStat(Files.readString(Path.of("/proc/self/stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads a {@code /proc/<pid>/stat} line: fields 14 to 17 ({@code utime stime cutime cstime}). The command name
     * (field 2, in parentheses) may hold spaces and parentheses, so fields are counted after its last {@code ')'}.
     *
     * @throws IllegalArgumentException when the line has not enough fields
     */
    static Times parseStat(String stat) {
        int close = stat.lastIndexOf(')');
        String[] f = stat.substring(close + 1).trim().split("\\s+");
        if (close < 0 || f.length < 15) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        // f[0] is field 3 (state), so field n is f[n - 3]
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        long cutime = Long.parseLong(f[13]);
        long cstime = Long.parseLong(f[14]);
        return new Times((utime + stime) / TICKS_PER_SECOND, (cutime + cstime) / TICKS_PER_SECOND);
    }
}

package org.sparecycles.client.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

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

    /**
     * CPU seconds of one thread of this process.
     *
     * @param name    the thread's name as the OS keeps it (Linux: the first 15 characters of a Java thread's name;
     *                the JVM's launcher thread is named after the program, {@code java})
     * @param seconds user plus system time
     */
    public record ThreadTimes(String name, double seconds) {
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
     * The threads of this process that are alive now ({@code /proc/self/task/<tid>/stat}); empty when unknown (not
     * Linux). A thread that has ended is in {@link #current()} but no longer here.
     */
    public static List<ThreadTimes> threads() {
        List<ThreadTimes> out = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    out.add(parseThreadStat(Files.readString(task.resolve("stat"))));
                } catch (IOException e) {
                    // the thread ended while the list was read
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return out;
    }

    /**
     * Reads a {@code /proc/<pid>/task/<tid>/stat} line (the same fields as a process's): the name between the first
     * {@code '('} and the last {@code ')'}, and {@code utime + stime}.
     *
     * @throws IllegalArgumentException when the line has not enough fields
     */
    static ThreadTimes parseThreadStat(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a /proc/<pid>/task/<tid>/stat line: " + stat);
        }
        return new ThreadTimes(stat.substring(open + 1, close), parseStat(stat).selfSeconds());
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

package org.sparecycles.client.worker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts worker JVMs: {@code [nice -n 19] <java> -Dsparecycles.worker=<slot dir> -Xmx<m> -cp <this JVM's class path>
 * WorkerMain <slot dir>},
 * with stdout and stderr appended to the slot's {@code worker.log} and stdin a pipe the worker watches (see
 * {@link WorkerMain}). On Windows the worker moves itself to the idle priority class.
 */
public final class WorkerLauncher {
    /** Smallest heap given to a worker, whatever the work unit's memory bound says. */
    public static final long MIN_HEAP_MB = 64;
    /** Heap when the assignment gives no memory bound. */
    public static final long DEFAULT_HEAP_MB = 256;
    private static final String MAIN = WorkerMain.class.getName();
    /**
     * System property naming the slot, put right after the java command. The OS (and the JDK on Linux, which reads
     * one page of {@code /proc/<pid>/cmdline}) may cut a long command line, and a long class path pushes
     * {@code WorkerMain} out of what is left; this marker stays near the start.
     */
    static final String SLOT_PROPERTY = "sparecycles.worker";

    private final String javaCommand;
    private final String classPath;
    private final Optional<String> nice;

    public WorkerLauncher() {
        this(javaExecutable(), absoluteClassPath(System.getProperty("java.class.path")), findNice());
    }

    WorkerLauncher(String java, String classPath, Optional<String> nice) {
        this.javaCommand = java;
        this.classPath = classPath;
        this.nice = nice;
    }

    /** Starts a worker on the task already written into the slot. */
    public WorkerProcess start(Slot slot, long memoryBoundBytes) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(slot.dir(), memoryBoundBytes))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(slot.logFile().toFile()));
        Process process = pb.start();
        Files.writeString(slot.pidFile(), Long.toString(process.pid()));
        return new WorkerProcess(process);
    }

    List<String> command(Path slotDir, long memoryBoundBytes) {
        List<String> cmd = new ArrayList<>();
        nice.ifPresent(n -> cmd.addAll(List.of(n, "-n", "19")));
        cmd.add(javaCommand);
        cmd.add("-D" + SLOT_PROPERTY + "=" + slotDir.toAbsolutePath());
        cmd.add("-Xmx" + heapMegabytes(memoryBoundBytes) + "m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Dfile.encoding=UTF-8");
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(MAIN);
        cmd.add(slotDir.toAbsolutePath().toString());
        return cmd;
    }

    /** The heap for a work unit's memory bound: rounded up to whole MiB, at least {@link #MIN_HEAP_MB}. */
    public static long heapMegabytes(long memoryBoundBytes) {
        if (memoryBoundBytes <= 0) {
            return DEFAULT_HEAP_MB;
        }
        long mb = (memoryBoundBytes + (1 << 20) - 1) >> 20;
        return Math.max(MIN_HEAP_MB, mb);
    }

    /**
     * Kills a worker still running from an earlier client run in this slot (the pid file names it), so it cannot
     * write into the slot once it is reused. Only a process whose command line carries this slot's marker
     * ({@link #SLOT_PROPERTY}) or names {@code WorkerMain} is killed.
     *
     * @return true when a stale worker was found and killed
     */
    public static boolean killStale(Slot slot) {
        Optional<ProcessHandle> handle = slot.readPid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (handle.isEmpty() || handle.get().pid() == ProcessHandle.current().pid()) {
            return false;
        }
        ProcessHandle.Info info = handle.get().info();
        String line = info.commandLine().or(info::command).orElse("");
        boolean worker = line.contains("-D" + SLOT_PROPERTY + "=" + slot.dir().toAbsolutePath()) || line.contains(MAIN);
        if (!worker && !(info.commandLine().isEmpty() && line.toLowerCase(Locale.ROOT).contains("java"))) {
            return false;
        }
        handle.get().destroyForcibly();
        try {
            handle.get().onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // gone or going; the slot is cleared either way
        }
        return true;
    }

    /** The class path with every entry made absolute, so the worker finds it whatever its directory. */
    static String absoluteClassPath(String classPath) {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    static String javaExecutable() {
        Optional<String> current = ProcessHandle.current().info().command()
                .filter(c -> {
                    String name = Path.of(c).getFileName().toString().toLowerCase(Locale.ROOT);
                    return name.equals("java") || name.equals("java.exe");
                });
        if (current.isPresent()) {
            return current.get();
        }
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java").toString();
    }

    static Optional<String> findNice() {
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return Optional.empty();
        }
        for (String candidate : List.of("/usr/bin/nice", "/bin/nice")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}

package org.sparecycles.client.worker;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sparecycles.client.state.AtomicFiles;
import org.sparecycles.workunits.hash.Sha256;

/**
 * Starts worker JVMs: {@code [nice -n 19] <java> -Dsparecycles.worker=<slot dir> -Xmx<m> [class archive] -cp <this
 * JVM's class path> WorkerMain <slot dir>},
 * with stderr appended to the slot's {@code worker.log}, stdout a pipe of control lines from the worker (other lines
 * on it, such as the JVM's warnings, are appended to the log too) and stdin a pipe of the client's lines, which the
 * worker watches (see {@link WorkerMain}). On Windows the worker moves itself to the idle priority class.
 *
 * <p>Class archive: on HotSpot, the first worker of a client run with no archive yet writes the classes it loaded
 * into an AppCDS archive as it exits ({@code -XX:ArchiveClassesAtExit}); later workers map it
 * ({@code -XX:SharedArchiveFile}) instead of loading and verifying about a thousand classes from the jars, which
 * halves a worker's CPU from JVM start to app start (docs/benchmarks.md, "Whole-system efficiency"). The archive's
 * name carries a hash of the java command, JVM version and class path entries (with their sizes and times), so an
 * upgrade makes a new one; a JVM that cannot use an archive runs without it ({@code -Xshare:auto}). Only for a
 * class path of jars (the installed client, {@code java -jar}), see {@link #WorkerLauncher(Path)}.
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
    private final Optional<Path> classArchive;
    private final AtomicBoolean archiveTried = new AtomicBoolean();

    /** Workers without a class archive. */
    public WorkerLauncher() {
        this(javaExecutable(), absoluteClassPath(System.getProperty("java.class.path")), findNice());
    }

    /**
     * Workers sharing a class archive kept in {@code archiveDir}: on HotSpot, when the class path holds jars only
     * (HotSpot refuses to archive classes from a non-empty directory, as in a development build, and the dumping
     * worker then fails) and the runtime has the JDK's base class archive (a dynamic archive is dumped on top of
     * it: a jlink runtime made without {@code --generate-cds-archive}, as the installed app's was, has none and the
     * dumping worker would not start); otherwise none.
     */
    public WorkerLauncher(Path archiveDir) {
        this(javaExecutable(), absoluteClassPath(System.getProperty("java.class.path")), findNice(),
                archiveFor(archiveDir, absoluteClassPath(System.getProperty("java.class.path")),
                        Path.of(System.getProperty("java.home"))));
    }

    static Optional<Path> archiveFor(Path archiveDir, String classPath, Path javaHome) {
        boolean jarsOnly = Arrays.stream(classPath.split(File.pathSeparator))
                .allMatch(e -> !e.isEmpty() && Files.isRegularFile(Path.of(e)));
        return isHotSpot() && jarsOnly && hasBaseArchive(javaHome)
                ? Optional.of(archiveDir.resolve(archiveName(javaExecutable(), classPath))) : Optional.empty();
    }

    /** Whether the runtime at {@code javaHome} has the JDK's class archive (in lib/server, on Windows bin/server). */
    static boolean hasBaseArchive(Path javaHome) {
        return Files.isRegularFile(javaHome.resolve("lib").resolve("server").resolve("classes.jsa"))
                || Files.isRegularFile(javaHome.resolve("bin").resolve("server").resolve("classes.jsa"));
    }

    WorkerLauncher(String java, String classPath, Optional<String> nice) {
        this(java, classPath, nice, Optional.empty());
    }

    WorkerLauncher(String java, String classPath, Optional<String> nice, Optional<Path> classArchive) {
        this.javaCommand = java;
        this.classPath = classPath;
        this.nice = nice;
        this.classArchive = classArchive;
    }

    /** Starts a worker on the task already written into the slot. */
    public WorkerProcess start(Slot slot, long memoryBoundBytes) throws IOException {
        List<String> command = command(slot.dir(), memoryBoundBytes);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(slot.logFile().toFile())); // stdout: control lines
        Process process = pb.start();
        Files.writeString(slot.pidFile(), Long.toString(process.pid()));
        if (classArchive.isPresent() && command.contains(dumpOption(classArchive.get()))) {
            Path archive = classArchive.get();
            process.onExit().thenAccept(p -> keepArchive(p.exitValue(), archive));
        }
        return new WorkerProcess(process, heapMegabytes(memoryBoundBytes), slot.logFile());
    }

    List<String> command(Path slotDir, long memoryBoundBytes) {
        List<String> cmd = new ArrayList<>();
        nice.ifPresent(n -> cmd.addAll(List.of(n, "-n", "19")));
        cmd.add(javaCommand);
        cmd.add("-D" + SLOT_PROPERTY + "=" + slotDir.toAbsolutePath());
        cmd.add("-Xmx" + heapMegabytes(memoryBoundBytes) + "m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Dfile.encoding=UTF-8");
        classArchive.ifPresent(archive -> {
            if (Files.isRegularFile(archive)) {
                cmd.add("-XX:SharedArchiveFile=" + archive.toAbsolutePath());
            } else if (archiveTried.compareAndSet(false, true)) {
                cmd.add(dumpOption(archive)); // once per client run: a JVM that cannot dump is not asked again
            }
        });
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(MAIN);
        cmd.add(slotDir.toAbsolutePath().toString());
        return cmd;
    }

    /** The worker dumps into a temporary file, renamed into place once it exited cleanly (never half-written). */
    private static String dumpOption(Path archive) {
        return "-XX:ArchiveClassesAtExit=" + archive.toAbsolutePath() + ".tmp";
    }

    private static void keepArchive(int exitCode, Path archive) {
        Path temp = Path.of(archive.toAbsolutePath() + ".tmp");
        try {
            if (exitCode == WorkerExit.OK && Files.isRegularFile(temp)) {
                AtomicFiles.move(temp, archive);
            } else {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            // no archive this time: workers run without one
        }
    }

    /** {@code worker-<hash>.jsa}, the hash over what makes an archive valid: java, JVM version, class path files. */
    static String archiveName(String java, String classPath) {
        StringBuilder key = new StringBuilder(java).append('\n').append(System.getProperty("java.vm.version"));
        for (String entry : classPath.split(File.pathSeparator)) {
            key.append('\n').append(entry);
            try {
                Path p = Path.of(entry);
                if (Files.isRegularFile(p)) {
                    key.append(' ').append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p).toMillis());
                }
            } catch (IOException | RuntimeException e) {
                // hashed by name alone
            }
        }
        return "worker-" + Sha256.hex(key.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16) + ".jsa";
    }

    private static boolean isHotSpot() {
        return System.getProperty("java.vm.name", "").contains("HotSpot")
                || System.getProperty("java.vm.name", "").startsWith("OpenJDK");
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

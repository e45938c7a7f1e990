package org.sparecycles.server.demo;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts local volunteers as separate processes: the desktop client jar when it is found, or the client's main
 * class when it is on this JVM's class path (as in the end-to-end tests).
 */
public final class VolunteerLauncher {
    static final String CLIENT_MAIN = "org.sparecycles.client.cli.ClientMain";
    private final List<String> javaAndClasspath;

    private VolunteerLauncher(List<String> javaAndClasspath) {
        this.javaAndClasspath = javaAndClasspath;
    }

    /**
     * Finds the client: the given jar, else {@code desktop-client/target/desktop-client.jar} relative to the
     * server jar ({@code project-server/target/project-server.jar}), else the class path.
     *
     * @throws IllegalStateException saying where it looked
     */
    public static VolunteerLauncher locate(Path clientJar, Class<?> anchor) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        if (clientJar != null) {
            if (!Files.isRegularFile(clientJar)) {
                throw new IllegalStateException("no client jar at " + clientJar.toAbsolutePath());
            }
            return new VolunteerLauncher(List.of(java, "-jar", clientJar.toString()));
        }
        Path beside = besideServerJar(anchor);
        if (beside != null && Files.isRegularFile(beside)) {
            return new VolunteerLauncher(List.of(java, "-jar", beside.toString()));
        }
        try {
            Class.forName(CLIENT_MAIN, false, anchor.getClassLoader());
            return new VolunteerLauncher(List.of(java, "-cp", System.getProperty("java.class.path"), CLIENT_MAIN));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the desktop client is not built: no " + (beside == null ? "client jar"
                    : beside.toAbsolutePath()) + "; run ./mvnw -B -DskipTests package first, or pass --client-jar");
        }
    }

    private static Path besideServerJar(Class<?> anchor) {
        try {
            Path self = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!self.toString().endsWith(".jar") || self.getParent() == null || self.getParent().getParent() == null) {
                return null;
            }
            return self.getParent().getParent().resolveSibling("desktop-client")
                    .resolve("target").resolve("desktop-client.jar");
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }

    /**
     * Starts {@code count} volunteers, the first {@code faulty} of them returning wrong answers; runs
     * {@code afterFaulty} between starting those and the honest ones (when there are both).
     */
    public Volunteers start(URI server, Path baseDir, int count, int faulty, Runnable afterFaulty) throws IOException {
        return start(server, baseDir, count, faulty, afterFaulty, List.of("-Xmx96m"));
    }

    /** As {@link #start(URI, Path, int, int, Runnable)}, each client JVM started with {@code jvmOptions}. */
    public Volunteers start(URI server, Path baseDir, int count, int faulty, Runnable afterFaulty,
                            List<String> jvmOptions) throws IOException {
        Files.createDirectories(baseDir);
        List<Volunteer> started = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            if (i == faulty + 1 && faulty > 0) {
                afterFaulty.run();
            }
            String name = "volunteer-" + i;
            List<String> command = new ArrayList<>(javaAndClasspath.subList(0, 1));
            command.addAll(jvmOptions);
            command.addAll(javaAndClasspath.subList(1, javaAndClasspath.size()));
            command.addAll(List.of("--headless", "--server", server.toString(),
                    "--email", name + "@demo.sparecycles.local", "--password", "demo-password-" + i,
                    "--name", "Volunteer " + i + (i <= faulty ? " (faulty)" : ""),
                    "--data-dir", baseDir.resolve(name).toString(), "--cores", "1"));
            if (i <= faulty) {
                command.add("--fault-injection=wrong-results");
            }
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(baseDir.resolve(name + ".log").toFile()))
                    .start();
            started.add(new Volunteer(name + "@demo.sparecycles.local", process));
        }
        Volunteers crowd = new Volunteers(baseDir, started);
        Runtime.getRuntime().addShutdownHook(new Thread(crowd::close, "demo-volunteers-stop"));
        return crowd;
    }

    private record Volunteer(String email, Process process) {
    }

    /** The running volunteers; closing stops them (they resume from checkpoints if started again). */
    public static final class Volunteers implements AutoCloseable {
        private final Path logDir;
        private final List<Volunteer> all;

        private Volunteers(Path logDir, List<Volunteer> all) {
            this.logDir = logDir;
            this.all = all;
        }

        public Path logDir() {
            return logDir;
        }

        public List<String> emails() {
            return all.stream().map(Volunteer::email).toList();
        }

        /** @throws IllegalStateException when every volunteer has exited, naming where their logs are */
        public void checkAlive() {
            if (all.stream().noneMatch(v -> v.process().isAlive())) {
                throw new IllegalStateException("every volunteer has exited; see the logs in " + logDir.toAbsolutePath());
            }
        }

        @Override
        public void close() {
            stop();
        }

        /** Stops every volunteer (asking first, then forcing); they resume from checkpoints if started again. */
        public void stop() {
            all.forEach(v -> v.process().destroy());
            for (Volunteer v : all) {
                try {
                    if (!v.process().waitFor(15, TimeUnit.SECONDS)) {
                        v.process().destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    v.process().destroyForcibly();
                }
            }
        }
    }
}

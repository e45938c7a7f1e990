package org.sparecycles.installer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.samples.SampleImages;

/**
 * The .deb as a volunteer gets it: installed with dpkg, the installed launcher computing a batch of a real server
 * headless, the installed desktop app opening its window under Xvfb, then removed without leaving files behind.
 * Needs root (dpkg); fails, not skips, without it, so CI cannot pass it by accident.
 */
class InstalledPackageIT {
    private static final Path INSTALL_DIR = Path.of("/opt/sparecycles");
    private static final Path LAUNCHER = INSTALL_DIR.resolve("bin/SpareCycles");
    /** The systemd unit's launcher: the client in headless mode, with desktop-client/headless.jvmopts. */
    private static final Path HEADLESS_LAUNCHER = INSTALL_DIR.resolve("bin/SpareCycles-headless");
    private static final List<Path> OUTSIDE_OPT = List.of(Path.of("/usr/bin/sparecycles"),
            Path.of("/usr/share/applications/sparecycles.desktop"),
            Path.of("/usr/lib/systemd/user/sparecycles-client.service"));

    @TempDir
    Path tmp;
    private final List<Process> processes = new ArrayList<>();
    private ProjectServer server;

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (server != null) {
            server.close();
        }
        run(Duration.ofMinutes(1), "dpkg", "--purge", "sparecycles");
    }

    @Test
    void installedPackageComputesHeadlessOpensItsWindowAndIsRemovedCleanly() throws Exception {
        Path deb = debPackage();
        assertEquals("0", run(Duration.ofSeconds(10), "id", "-u").output().trim(),
                "this test installs " + deb + " with dpkg -i and must run as root (CI does); run it as root or"
                        + " leave out -Pinstaller");

        String depends = run(Duration.ofSeconds(30), "dpkg-deb", "--field", deb.toString(), "Depends").output();
        assertTrue(depends.contains("libgtk-3-0"), "the package must declare GTK for JavaFX: " + depends);

        Result install = run(Duration.ofMinutes(2), "dpkg", "-i", deb.toString());
        assertEquals(0, install.exit(), install::output);
        assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " missing");
        OUTSIDE_OPT.forEach(p -> assertTrue(Files.exists(p), p + " missing after install"));
        String desktopEntry = Files.readString(Path.of("/usr/share/applications/sparecycles.desktop"));
        assertTrue(desktopEntry.contains("Exec=" + LAUNCHER), desktopEntry);
        String userUnit = Files.readString(Path.of("/usr/lib/systemd/user/sparecycles-client.service"));
        assertTrue(userUnit.contains("ExecStart=" + HEADLESS_LAUNCHER + "\n"), userUnit);
        String headlessConfig = Files.readString(INSTALL_DIR.resolve("lib/app/SpareCycles-headless.cfg"));
        assertTrue(headlessConfig.contains("-XX:+UseSerialGC") && headlessConfig.contains("-Xmx64m")
                && headlessConfig.contains("-Dsparecycles.headless=true"), headlessConfig);
        Result headlessHelp = run(Duration.ofSeconds(30), HEADLESS_LAUNCHER.toString(), "--help");
        assertEquals(0, headlessHelp.exit(), headlessHelp::output);
        assertTrue(headlessHelp.output().contains("--headless"), headlessHelp::output);
        Result help = run(Duration.ofSeconds(30), LAUNCHER.toString(), "--help");
        assertEquals(0, help.exit(), help::output);
        assertTrue(help.output().contains("--headless"), help::output);

        computesABatchHeadless();
        opensItsWindowUnderXvfb();

        Result remove = run(Duration.ofMinutes(1), "dpkg", "-r", "sparecycles");
        assertEquals(0, remove.exit(), remove::output);
        assertFalse(Files.exists(INSTALL_DIR), INSTALL_DIR + " left after dpkg -r");
        OUTSIDE_OPT.forEach(p -> assertFalse(Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                p + " left after dpkg -r"));
    }

    private void computesABatchHeadless() throws Exception {
        server = ProjectServer.start(ServerConfig.builder().port(0).dataDir(tmp.resolve("server"))
                .backgroundIntervalSeconds(1).schedulerRequestDelaySeconds(1).schedulerIdleDelaySeconds(1).build());
        long researcher = server.accounts().create("researcher@installer.test", "researcher-password", "Researcher",
                Set.of(Role.RESEARCHER));
        long project = server.projects().create(researcher, "Installer test", "the installed client's batch").id();
        BatchStatus batch = server.batches().submit(researcher, project, "installer batch", "particle-count",
                Map.of("sigma", "1", "polarity", "dark", "min_area", "10"), new RedundancyPolicy(1, 1, 3, 3, 3600), 1,
                SampleImages.inputFiles().subList(0, 2));

        // As the systemd user unit runs it: ExecStart=<headless launcher>, the account from its EnvironmentFile; with
        // an argument of its own, which must not make jpackage's launcher open the window instead.
        Path log = tmp.resolve("headless.log");
        ProcessBuilder headless = new ProcessBuilder(HEADLESS_LAUNCHER.toString(), "--cores", "1")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        headless.environment().putAll(Map.of("SPARECYCLES_SERVER", server.baseUri().toString(),
                "SPARECYCLES_EMAIL", "volunteer@installer.test", "SPARECYCLES_PASSWORD", "volunteer-password",
                "SPARECYCLES_DATA_DIR", tmp.resolve("client").toString()));
        Process client = start(headless);
        awaitTrue(() -> !"IN_PROGRESS".equals(server.batches().status(batch.id()).state()), Duration.ofMinutes(3),
                () -> "batch not done: " + server.batches().status(batch.id()) + "\n" + read(log));
        assertEquals("DONE", server.batches().status(batch.id()).state(), () -> read(log));
        assertTrue(client.isAlive(), () -> "the headless client exited:\n" + read(log));
    }

    private void opensItsWindowUnderXvfb() throws Exception {
        Process xvfb = start(new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24",
                "-nolisten", "tcp").redirectError(ProcessBuilder.Redirect.DISCARD));
        String number = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertTrue(number != null && number.trim().matches("\\d+"), "Xvfb reported no display (is xvfb installed?)");
        String display = ":" + number.trim();

        Path log = tmp.resolve("gui.log");
        ProcessBuilder gui = new ProcessBuilder(LAUNCHER.toString(), "--data-dir", tmp.resolve("gui").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        gui.environment().put("DISPLAY", display);
        Process app = start(gui);
        awaitTrue(() -> {
            ProcessBuilder search = new ProcessBuilder("xdotool", "search", "--onlyvisible", "--name", "^SpareCycles$");
            search.environment().put("DISPLAY", display);
            Result found = run(search, Duration.ofSeconds(10));
            return found.exit() == 0 && !found.output().isBlank();
        }, Duration.ofMinutes(1), () -> "no visible window named SpareCycles; app "
                + (app.isAlive() ? "running" : "exited " + app.exitValue()) + ":\n" + read(log));
    }

    private static Path debPackage() throws IOException {
        Path target = Path.of(System.getProperty("installer.target", "target"));
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("sparecycles_.*\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no sparecycles_*.deb in " + target
                            + " (built by ./mvnw -Pinstaller package on Linux)"));
        }
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        processes.add(0, p);
        return p;
    }

    record Result(int exit, String output) {
    }

    private static Result run(Duration bound, String... command) {
        return run(new ProcessBuilder(command), bound);
    }

    private static Result run(ProcessBuilder pb, Duration bound) {
        try {
            Path out = Files.createTempFile("installer-it", ".out");
            try {
                Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    fail(String.join(" ", pb.command()) + " did not finish within " + bound);
                }
                return new Result(p.exitValue(), Files.readString(out));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", pb.command()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration bound, Supplier<String> message)
            throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail(message.get());
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no output)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}

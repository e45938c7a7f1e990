package org.sparecycles.client.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerLauncherTest {
    @ParameterizedTest(name = "{0} bytes: -Xmx{1}m")
    @CsvSource({"0, 256", "-1, 256", "1, 64", "67108864, 64", "67108865, 65", "536870912, 512"})
    void heapFollowsTheMemoryBoundWithAFloor(long bound, long expectedMb) {
        assertEquals(expectedMb, WorkerLauncher.heapMegabytes(bound));
    }

    @Test
    void commandRunsWorkerMainAtLowestPriorityWhenNiceExists() {
        WorkerLauncher launcher = new WorkerLauncher("/opt/jdk/bin/java", "/a.jar", Optional.of("/usr/bin/nice"));

        List<String> cmd = launcher.command(Path.of("/data/slots/0"), 100L << 20);

        assertEquals(List.of("/usr/bin/nice", "-n", "19", "/opt/jdk/bin/java",
                "-Dsparecycles.worker=" + Path.of("/data/slots/0").toAbsolutePath(), "-Xmx100m", "-XX:+UseSerialGC",
                "-Dfile.encoding=UTF-8", "-cp", "/a.jar", "org.sparecycles.client.worker.WorkerMain",
                Path.of("/data/slots/0").toAbsolutePath().toString()), cmd);
    }

    @Test
    void slotMarkerStaysInTheFirstPageOfALongCommandLine() {
        // The JDK on Linux reads only one page of /proc/<pid>/cmdline; a long class path (the test class path
        // with JavaFX and TestFX is over 4 KiB) must not push the worker's identity out of it.
        String longClassPath = "/m2/some/library.jar:".repeat(400);
        WorkerLauncher launcher = new WorkerLauncher("/opt/jdk/bin/java", longClassPath, Optional.of("/usr/bin/nice"));

        String line = String.join(" ", launcher.command(Path.of("/data/slots/0"), 0));

        assertTrue(line.indexOf("-Dsparecycles.worker=") < 200, line.substring(0, 200));
        assertTrue(line.indexOf(WorkerMain.class.getName()) > 4096, "the case this guards against");
    }

    @Test
    void withoutNiceTheJavaCommandComesFirst() {
        WorkerLauncher launcher = new WorkerLauncher("java", "/a.jar", Optional.empty());

        assertEquals("java", launcher.command(Path.of("s"), 0).get(0));
    }

    @Test
    void classPathEntriesBecomeAbsolute() {
        String cp = WorkerLauncher.absoluteClassPath("lib/a.jar" + File.pathSeparator + "classes");

        for (String entry : cp.split(File.pathSeparator)) {
            assertTrue(Path.of(entry).isAbsolute(), entry);
        }
    }

    @Test
    void firstWorkerDumpsTheClassArchiveLaterWorkersMapIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path archive = dir.resolve("worker-0123.jsa");
        WorkerLauncher launcher = new WorkerLauncher("java", "/a.jar", Optional.empty(), Optional.of(archive));

        List<String> first = launcher.command(Path.of("s"), 0);
        List<String> second = launcher.command(Path.of("s"), 0);
        java.nio.file.Files.write(archive, new byte[] {1});
        List<String> third = launcher.command(Path.of("s"), 0);

        assertTrue(first.contains("-XX:ArchiveClassesAtExit=" + archive.toAbsolutePath() + ".tmp"), first.toString());
        assertTrue(second.stream().noneMatch(o -> o.contains("Archive")), "one dump per client run: " + second);
        assertTrue(third.contains("-XX:SharedArchiveFile=" + archive.toAbsolutePath()), third.toString());
        assertTrue(third.indexOf("-XX:SharedArchiveFile=" + archive.toAbsolutePath()) < third.indexOf("-cp"));
    }

    @Test
    void archiveNameChangesWhenAClassPathFileChanges(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path jar = java.nio.file.Files.write(dir.resolve("a.jar"), new byte[] {1, 2, 3});
        String before = WorkerLauncher.archiveName("java", jar.toString());

        java.nio.file.Files.write(jar, new byte[] {1, 2, 3, 4});

        assertTrue(before.matches("worker-[0-9a-f]{16}\\.jsa"), before);
        assertTrue(!before.equals(WorkerLauncher.archiveName("java", jar.toString())), "a rebuilt jar needs a new archive");
        assertTrue(!before.equals(WorkerLauncher.archiveName("/other/java", jar.toString())));
    }

    @Test
    void noClassArchiveForAClassPathWithADirectory(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path jar = java.nio.file.Files.write(dir.resolve("a.jar"), new byte[] {1});
        Path classes = java.nio.file.Files.createDirectories(dir.resolve("classes"));

        Path javaHome = Path.of(System.getProperty("java.home"));
        assertTrue(WorkerLauncher.archiveFor(dir, classes + File.pathSeparator + jar, javaHome).isEmpty(),
                "HotSpot cannot archive classes from a directory");
        assertEquals(WorkerLauncher.archiveFor(dir, jar.toString(), javaHome).isPresent(),
                System.getProperty("java.vm.name", "").matches("(OpenJDK|.*HotSpot).*")
                        && WorkerLauncher.hasBaseArchive(javaHome), "jars only: on HotSpot with a base archive");
    }

    /** A jlink runtime without --generate-cds-archive has no base archive; dumping on top of none fails. */
    @Test
    void noClassArchiveOnARuntimeWithoutTheBaseArchive(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path jar = java.nio.file.Files.write(dir.resolve("a.jar"), new byte[] {1});
        Path runtime = java.nio.file.Files.createDirectories(dir.resolve("runtime").resolve("lib").resolve("server"))
                .getParent().getParent();
        java.nio.file.Files.write(runtime.resolve("lib").resolve("server").resolve("libjvm.so"), new byte[] {1});

        assertTrue(!WorkerLauncher.hasBaseArchive(runtime));
        assertTrue(WorkerLauncher.archiveFor(dir, jar.toString(), runtime).isEmpty());
        java.nio.file.Files.write(runtime.resolve("lib").resolve("server").resolve("classes.jsa"), new byte[] {1});
        assertTrue(WorkerLauncher.hasBaseArchive(runtime));
    }
}

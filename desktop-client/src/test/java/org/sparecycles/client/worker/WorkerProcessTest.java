package org.sparecycles.client.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.testing.Await;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.AppRunner;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.CanonicalJson;
import org.sparecycles.workunits.samples.SampleImages;

/** Real worker JVMs on real sample images, started the way the engine starts them. */
class WorkerProcessTest {
    private static final List<String> SAMPLES = List.of("blobs.png", "dotblot.png", "coins.png");
    private static final Map<String, String> PARAMETERS = Map.of("sigma", "1", "polarity", "dark", "min_area", "10");
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    private final List<WorkerProcess> started = new ArrayList<>();
    private final WorkerLauncher launcher = new WorkerLauncher();

    @AfterEach
    void stopAll() {
        started.forEach(WorkerProcess::stop);
    }

    private Slot slotWith(List<String> samples, String fault, long delayMs) throws IOException {
        List<WorkerTask.Input> inputs = new ArrayList<>();
        for (String name : samples) {
            Path file = Files.write(tmp.resolve("cache-" + name), SampleImages.bytes(name));
            inputs.add(new WorkerTask.Input(name, file.toString()));
        }
        Slot slot = new Slot(0, tmp.resolve("slot"));
        slot.clear();
        slot.writeTask(new WorkerTask(42, "wu_42_0", "particle-count", "1.0", PARAMETERS, inputs, fault, delayMs));
        return slot;
    }

    private WorkerProcess start(Slot slot) throws IOException {
        WorkerProcess w = launcher.start(slot, 128L << 20);
        started.add(w);
        return w;
    }

    /** How the task given last ended: 0 when done (the worker then waits for the next), else the exit code. */
    private static int exitOf(WorkerProcess w) throws Exception {
        return w.task().get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    private static byte[] inProcessOutput(List<String> samples) throws Exception {
        ScienceApp app = AppRegistry.builtIn().find("particle-count").orElseThrow();
        List<InputFile> inputs = samples.stream().map(n -> new InputFile(n, SampleImages.bytes(n))).toList();
        return AppRunner.run(app, app.parseParameters(PARAMETERS), inputs);
    }

    @Test
    void workerWritesTheSameOutputAsAnInProcessRun() throws Exception {
        Slot slot = slotWith(SAMPLES.subList(0, 2), "none", 0);

        assertEquals(WorkerExit.OK, exitOf(start(slot)), () -> slot.readError());

        byte[] output = Files.readAllBytes(slot.outputFile());
        assertArrayEquals(inProcessOutput(SAMPLES.subList(0, 2)), output);
        WorkerOutcome outcome = slot.readOutcome().orElseThrow();
        assertEquals(Sha256.hex(output), outcome.outputSha256());
        assertEquals(output.length, outcome.outputSize());
        assertEquals(0, outcome.resumedAfter());
        assertEquals(List.of(0, 1), outcome.computed());
        assertTrue(outcome.cpuSeconds() > 0, outcome::toString);
        assertTrue(outcome.elapsedSeconds() > 0, outcome::toString);
        assertEquals(1.0, slot.readProgress());
    }

    @Test
    void oneWorkerServesTheSlotsTasksOneAfterAnotherAndExitsWhenDismissed() throws Exception {
        Slot slot = slotWith(SAMPLES.subList(0, 2), "none", 0);
        WorkerProcess w = start(slot);
        assertEquals(WorkerExit.OK, exitOf(w), () -> slot.readError());
        WorkerOutcome first = slot.readOutcome().orElseThrow();
        assertTrue(w.isAlive(), "a worker that finished its task waits for the next");

        slot.clearTaskFiles();
        assertTrue(Files.isRegularFile(slot.logFile()), "the worker's log stays");
        List<WorkerTask.Input> inputs = List.of(new WorkerTask.Input("coins.png",
                Files.write(tmp.resolve("cache-coins.png"), SampleImages.bytes("coins.png")).toString()));
        slot.writeTask(new WorkerTask(43, "wu_43_0", "particle-count", "1.0", PARAMETERS, inputs, "none", 0));
        assertTrue(w.next());
        assertEquals(WorkerExit.OK, exitOf(w), () -> slot.readError());

        WorkerOutcome second = slot.readOutcome().orElseThrow();
        assertEquals(43, second.resultId());
        assertArrayEquals(inProcessOutput(List.of("coins.png")), Files.readAllBytes(slot.outputFile()));
        assertEquals(Long.toString(w.pid()), Files.readString(slot.pidFile()).trim());
        assertTrue(second.appCpu().atStart() < first.appCpu().atStart(),
                "the second task's start holds no JVM start: " + first.appCpu() + " then " + second.appCpu());
        assertTrue(second.cpuSeconds() > 0 && second.cpuSeconds() < first.cpuSeconds() + 60, second::toString);
        String log = Files.readString(slot.logFile());
        assertTrue(log.contains("result 42: done") && log.contains("result 43: done"), log);

        w.dismiss();
        assertEquals(WorkerExit.OK, w.onExit().get(BOUND.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void theControlLineEndsATaskAndOtherLinesOnStandardOutputGoToTheLog() throws Exception {
        Path log = tmp.resolve("worker.log");
        // a stand-in for a worker whose JVM printed a warning on standard output before its task was done
        Process process = new ProcessBuilder("sh", "-c", "echo '[warning][cds] a JVM warning'; echo " + WorkerMain.DONE
                + "; read line; echo \"got $line\"; sleep 30").start();
        WorkerProcess w = new WorkerProcess(process, 64, log);
        started.add(w);

        assertEquals(WorkerExit.OK, exitOf(w));
        assertTrue(w.isAlive(), "done is not an exit");
        assertTrue(w.next());
        Await.until(() -> Files.exists(log) && Files.readString(log).contains("got " + WorkerMain.NEXT), BOUND,
                () -> "the line did not reach the stand-in, or its answer not the log");
        assertTrue(Files.readString(log).startsWith("[warning][cds] a JVM warning"), Files.readString(log));
        assertFalse(w.task().isDone(), "the next task is not done until the worker says so");
    }

    @Test
    void killedWorkerResumesFromItsCheckpointWithoutRecomputingDoneFiles() throws Exception {
        Slot slot = slotWith(SAMPLES, "none", 30_000);
        WorkerProcess first = start(slot);
        Await.until(() -> slot.readCheckpoint().map(c -> c.files().size()).orElse(0) >= 1, BOUND,
                () -> "no checkpoint was written: " + slot.readError());
        first.stop(); // like kill -9: destroyForcibly, mid-task (the worker pauses 30 s after each file)
        assertFalse(first.isAlive());
        Slot.Checkpoint checkpoint = slot.readCheckpoint().orElseThrow();
        int k = checkpoint.files().size();
        assertTrue(k >= 1 && k < SAMPLES.size(), "checkpoint holds " + k + " files");

        WorkerTask task = slot.readTask();
        slot.writeTask(new WorkerTask(task.resultId(), task.resultName(), task.app(), task.appVersion(),
                task.parameters(), task.inputs(), task.faultInjection(), 0));
        assertEquals(WorkerExit.OK, exitOf(start(slot)), () -> slot.readError());

        WorkerOutcome outcome = slot.readOutcome().orElseThrow();
        assertEquals(k, outcome.resumedAfter());
        assertEquals(IntStream.range(k, SAMPLES.size()).boxed().toList(), outcome.computed(),
                "the resumed run analysed only the files after the checkpoint");
        assertTrue(outcome.cpuSeconds() >= checkpoint.cpuSeconds(), "CPU time adds up over runs: " + outcome);
        assertArrayEquals(inProcessOutput(SAMPLES), Files.readAllBytes(slot.outputFile()),
                "resumed output equals an uninterrupted run's");
        assertTrue(Files.readString(slot.logFile()).contains("resuming after " + k + " of 3 files"));
    }

    @Test
    void checkpointIntervalSpacesCheckpointsOut() throws Exception {
        Slot everyFile = slotWith(SAMPLES, "none", 0);
        assertEquals(WorkerExit.OK, exitOf(start(everyFile)), () -> everyFile.readError());
        assertEquals(2, checkpointLines(everyFile), "interval 0: after every file but the last (the output follows)");

        Slot hourly = slotWith(SAMPLES, "none", 0);
        WorkerTask task = hourly.readTask();
        hourly.writeTask(new WorkerTask(task.resultId(), task.resultName(), task.app(), task.appVersion(),
                task.parameters(), task.inputs(), "none", 0, Duration.ofHours(1).toMillis()));
        assertEquals(WorkerExit.OK, exitOf(start(hourly)), () -> hourly.readError());

        assertEquals(0, checkpointLines(hourly), "an hour apart: none (the last file's would be followed by the output)");
        assertTrue(hourly.readCheckpoint().isEmpty());
        assertArrayEquals(inProcessOutput(SAMPLES), Files.readAllBytes(hourly.outputFile()));
    }

    private static long checkpointLines(Slot slot) throws IOException {
        return Files.readAllLines(slot.logFile()).stream().filter(l -> l.contains(": checkpoint after ")).count();
    }

    @Test
    void residentMemoryOfAWorkerIsMeasured() throws Exception {
        Slot slot = slotWith(SAMPLES, "none", 30_000);
        WorkerProcess w = start(slot);
        Await.until(() -> slot.readCheckpoint().isPresent(), BOUND, () -> "no checkpoint: " + slot.readError());

        long rss = ProcessMemory.residentBytes(w.pid()).orElseThrow(); // CI runs on Linux

        assertTrue(rss > (8 << 20) && rss < (1L << 30), "worker RSS " + rss);
    }

    @Test
    void inputTheAppRefusesEndsWithTheAppErrorCodeAndMessage() throws Exception {
        Path garbage = Files.writeString(tmp.resolve("notes.png"), "this is not a PNG");
        Slot slot = new Slot(0, tmp.resolve("slot"));
        slot.clear();
        slot.writeTask(new WorkerTask(7, "wu_7_0", "particle-count", "1.0", PARAMETERS,
                List.of(new WorkerTask.Input("notes.png", garbage.toString())), "none", 0));

        assertEquals(WorkerExit.APP_ERROR, exitOf(start(slot)));
        assertTrue(slot.readError().contains("notes.png"), slot.readError());
        assertTrue(slot.readOutcome().isEmpty());
    }

    @Test
    void unknownAppIsAnAppError() throws Exception {
        Slot slot = new Slot(0, tmp.resolve("slot"));
        slot.clear();
        slot.writeTask(new WorkerTask(8, "wu_8_0", "star-count", "9.9", Map.of(), List.of(), "none", 0));

        assertEquals(WorkerExit.APP_ERROR, exitOf(start(slot)));
        assertEquals("this client has no app star-count", slot.readError());
    }

    @Test
    void wrongResultsFaultAddsOneToEveryCount() throws Exception {
        Slot slot = slotWith(SAMPLES.subList(0, 2), "wrong-results", 0);

        assertEquals(WorkerExit.OK, exitOf(start(slot)), () -> slot.readError());

        JsonNode faulty = CanonicalJson.read(Files.readAllBytes(slot.outputFile())).get("files");
        JsonNode honest = CanonicalJson.read(inProcessOutput(SAMPLES.subList(0, 2))).get("files");
        for (int i = 0; i < 2; i++) {
            assertEquals(honest.get(i).get("count").asLong() + 1, faulty.get(i).get("count").asLong());
        }
    }

    @Test
    void workerStopsAtOnceWhenItsClientGoes() throws Exception {
        Slot slot = slotWith(SAMPLES, "none", 30_000);
        WorkerProcess w = start(slot);
        Await.until(() -> slot.readCheckpoint().isPresent(), BOUND, () -> "no checkpoint: " + slot.readError());

        w.closeInput(); // what the OS does to the pipe when the client is killed

        assertEquals(WorkerExit.PARENT_GONE, exitOf(w));
    }

    @Test
    void staleWorkerRecordedInTheSlotIsKilled() throws Exception {
        Slot slot = slotWith(SAMPLES, "none", 30_000);
        WorkerProcess w = start(slot);
        Await.until(() -> slot.readCheckpoint().isPresent(), BOUND, () -> "no checkpoint: " + slot.readError());

        assertTrue(WorkerLauncher.killStale(slot));

        assertFalse(w.isAlive());
        assertFalse(WorkerLauncher.killStale(slot), "nothing left to kill");
    }
}

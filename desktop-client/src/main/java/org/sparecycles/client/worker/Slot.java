package org.sparecycles.client.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.sparecycles.client.state.AtomicFiles;
import org.sparecycles.workunits.json.CanonicalJson;
import org.sparecycles.workunits.json.Json;

/**
 * A worker slot's directory and the files client and worker exchange through it:
 * <ul>
 *   <li>{@code task.json} ({@link WorkerTask}), written by the client before starting the worker;</li>
 *   <li>{@code worker.pid}, the worker's process id, written by the worker when it starts;</li>
 *   <li>{@code checkpoint.json}, the per-file results done so far plus CPU and wall seconds spent, replaced
 *       atomically by the worker after each input file;</li>
 *   <li>{@code progress}, the fraction done as text;</li>
 *   <li>{@code output.json}, the canonical output, then {@code result.json} ({@link WorkerOutcome}), both atomic;</li>
 *   <li>{@code error.txt}, the message of a failed run;</li>
 *   <li>{@code worker.log}, the worker's standard error (what it logs), over every task it served.</li>
 * </ul>
 */
public final class Slot {
    private final int index;
    private final Path dir;

    public Slot(int index, Path dir) {
        this.index = index;
        this.dir = dir;
    }

    public int index() {
        return index;
    }

    public Path dir() {
        return dir;
    }

    public Path taskFile() {
        return dir.resolve("task.json");
    }

    public Path pidFile() {
        return dir.resolve("worker.pid");
    }

    public Path checkpointFile() {
        return dir.resolve("checkpoint.json");
    }

    public Path progressFile() {
        return dir.resolve("progress");
    }

    public Path outputFile() {
        return dir.resolve("output.json");
    }

    public Path resultFile() {
        return dir.resolve("result.json");
    }

    public Path errorFile() {
        return dir.resolve("error.txt");
    }

    public Path logFile() {
        return dir.resolve("worker.log");
    }

    /** Empties the slot for a new task. */
    public void clear() throws IOException {
        deleteAllBut(Set.of());
    }

    /**
     * Empties the slot of a task's files, keeping the worker's: {@code worker.log}, which a worker serving the slot's
     * next task still appends to, and {@code worker.pid}.
     */
    public void clearTaskFiles() throws IOException {
        deleteAllBut(Set.of(logFile(), pidFile()));
    }

    private void deleteAllBut(Set<Path> keep) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!keep.contains(p)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    public void writeTask(WorkerTask task) throws IOException {
        AtomicFiles.write(taskFile(), Json.mapper().writeValueAsBytes(task));
    }

    public WorkerTask readTask() throws IOException {
        return Json.mapper().readValue(taskFile().toFile(), WorkerTask.class);
    }

    /** The checkpoint left by an earlier run, if any. */
    public Optional<Checkpoint> readCheckpoint() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(checkpointFile());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        JsonNode tree = CanonicalJson.read(bytes);
        List<byte[]> files = new ArrayList<>();
        tree.path("files").forEach(n -> files.add(CanonicalJson.write(n))); // the bytes they were written as
        return Optional.of(new Checkpoint(tree.path("resultId").asLong(), files,
                tree.path("cpuSeconds").asDouble(), tree.path("elapsedSeconds").asDouble()));
    }

    /** Writes the checkpoint in canonical JSON, each file's result as the bytes it holds. */
    void writeCheckpoint(Checkpoint c) throws IOException {
        AtomicFiles.write(checkpointFile(), CanonicalJson.object(Map.of(
                "resultId", CanonicalJson.write(LongNode.valueOf(c.resultId())),
                "cpuSeconds", CanonicalJson.write(CanonicalJson.decimal(c.cpuSeconds(), 3)),
                "elapsedSeconds", CanonicalJson.write(CanonicalJson.decimal(c.elapsedSeconds(), 3)),
                "files", CanonicalJson.array(c.files()))));
    }

    /** The last progress the worker wrote, 0 when none. */
    public double readProgress() {
        try {
            return Double.parseDouble(Files.readString(progressFile()).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    public Optional<WorkerOutcome> readOutcome() throws IOException {
        try {
            return Optional.of(Json.mapper().readValue(Files.readAllBytes(resultFile()), WorkerOutcome.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The error message of a failed run, or the tail of the worker's log when it left none. */
    public String readError() {
        try {
            return Files.readString(errorFile(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return tail(logFile(), 300);
        }
    }

    /** The pid recorded for this slot's worker, if any. */
    public Optional<Long> readPid() {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile()).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String tail(Path file, int chars) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.length() <= chars ? s : "..." + s.substring(s.length() - chars);
        } catch (IOException e) {
            return "no message";
        }
    }

    /**
     * Per-file results done so far and the CPU and wall seconds spent on them, over all runs.
     *
     * @param files each analysed file's result in canonical JSON, in input order
     */
    public record Checkpoint(long resultId, List<byte[]> files, double cpuSeconds, double elapsedSeconds) {
        public Checkpoint {
            files = List.copyOf(files);
        }
    }
}

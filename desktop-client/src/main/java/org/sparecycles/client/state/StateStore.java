package org.sparecycles.client.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.sparecycles.workunits.json.Json;

/**
 * Keeps {@link ClientState} in one JSON file, crash-safely: each save writes {@code state.json.tmp}, forces it
 * to disk, moves the current {@code state.json} to {@code state.json.bak} and renames the new file in place.
 * Loading falls back to the backup when the main file is missing or unreadable, so a crash at any point of a
 * save loses at most that save. Not thread-safe: the engine saves from its one thread.
 */
public final class StateStore {
    private final Path file;
    private final Path backup;
    private final Clock clock;
    private final ObjectMapper mapper = Json.mapper();

    public StateStore(Path file, Clock clock) {
        this.file = file;
        this.backup = file.resolveSibling(file.getFileName() + ".bak");
        this.clock = clock;
    }

    /** What {@link #load()} found, and notes on any recovery for the event log. */
    public record Loaded(ClientState state, List<String> notes) {
    }

    /** Reads the state, recovering from the backup if needed; an empty state when there is none at all. */
    public Loaded load() throws IOException {
        List<String> notes = new ArrayList<>();
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + AtomicFiles.TEMP_SUFFIX));
        ClientState main = read(file, notes);
        if (main != null) {
            return new Loaded(main, notes);
        }
        ClientState bak = read(backup, notes);
        if (bak != null) {
            if (Files.exists(file)) {
                Files.move(file, corruptName(file));
            }
            notes.add("recovered state from " + backup.getFileName());
            return new Loaded(bak, notes);
        }
        if (Files.exists(backup)) {
            Files.move(backup, corruptName(backup));
        }
        if (Files.exists(file)) {
            Files.move(file, corruptName(file));
            notes.add("state unreadable; starting afresh");
        }
        return new Loaded(ClientState.empty(), notes);
    }

    /** Saves atomically, keeping the previous state as the backup. */
    public void save(ClientState state) throws IOException {
        byte[] json = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(state);
        Path temp = file.resolveSibling(file.getFileName() + AtomicFiles.TEMP_SUFFIX);
        AtomicFiles.writeDurably(temp, json);
        if (Files.exists(file)) {
            AtomicFiles.move(file, backup);
        }
        AtomicFiles.move(temp, file);
        AtomicFiles.syncDirectory(file.toAbsolutePath().getParent());
    }

    private ClientState read(Path path, List<String> notes) {
        try {
            byte[] bytes = Files.readAllBytes(path);
            ClientState state = mapper.readValue(bytes, ClientState.class);
            if (state == null) {
                throw new IOException("empty file");
            }
            return state;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            notes.add(path.getFileName() + " is unreadable (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    private Path corruptName(Path path) {
        return path.resolveSibling(path.getFileName() + ".corrupt-" + clock.millis());
    }
}

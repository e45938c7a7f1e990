package org.sparecycles.client.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.InputRef;

class StateStoreTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T14:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("state.json");
    }

    static ClientState stateWith(long... resultIds) {
        ClientState s = ClientState.empty().withAttachment(
                new Attachment("http://localhost:8080", 7, "v@example.org", "secret-token", 3, 1.5));
        for (long id : resultIds) {
            Assignment a = new Assignment(id, "wu_" + id + "_0", 100 + id, "particle-count", "1.0",
                    Map.of("sigma", "1"), List.of(new InputRef("blobs.png", "/api/v1/files/" + "a".repeat(64), 10,
                    "a".repeat(64))), Instant.parse("2026-11-25T14:00:00Z"), 1 << 20, 1 << 26, 12.5,
                    "/api/v1/results/" + id + "/output");
            s = s.withTask(TaskRecord.received(a, CLOCK.instant()));
        }
        return s;
    }

    @Test
    void savedStateReadsBackEqual() throws IOException {
        StateStore store = new StateStore(file(), CLOCK);
        ClientState state = stateWith(1, 2).updateTask(2, t -> t.moveTo(TaskState.READY).running(0));
        store.save(state);

        StateStore.Loaded loaded = new StateStore(file(), CLOCK).load();

        assertEquals(state, loaded.state());
        assertTrue(loaded.notes().isEmpty(), loaded.notes()::toString);
    }

    @Test
    void keepsThePreviousStateAsBackup() throws IOException {
        StateStore store = new StateStore(file(), CLOCK);
        store.save(stateWith(1));
        store.save(stateWith(1, 2));

        assertTrue(Files.exists(dir.resolve("state.json.bak")));
        assertEquals(1, new StateStore(dir.resolve("state.json.bak"), CLOCK).load().state().tasks().size());
    }

    @Test
    void corruptMainFileFallsBackToBackup() throws IOException {
        StateStore store = new StateStore(file(), CLOCK);
        store.save(stateWith(1));
        store.save(stateWith(1, 2));
        Files.writeString(file(), "{\"formatVersion\": 1, \"tasks\": [ {\"assign", StandardCharsets.UTF_8);

        StateStore.Loaded loaded = new StateStore(file(), CLOCK).load();

        assertEquals(stateWith(1), loaded.state());
        assertTrue(loaded.notes().stream().anyMatch(n -> n.contains("recovered state from state.json.bak")),
                loaded.notes()::toString);
    }

    @Test
    void killBetweenWriteAndRenameKeepsTheLastCompleteSave() throws IOException {
        StateStore store = new StateStore(file(), CLOCK);
        store.save(stateWith(1));
        // a save that died before its rename leaves a half-written temp file next to the intact state
        Files.writeString(dir.resolve("state.json" + AtomicFiles.TEMP_SUFFIX), "{\"formatVersion\": 1, \"ta");

        StateStore.Loaded loaded = new StateStore(file(), CLOCK).load();

        assertEquals(stateWith(1), loaded.state());
        assertFalse(Files.exists(dir.resolve("state.json" + AtomicFiles.TEMP_SUFFIX)));
    }

    @Test
    void killBetweenTheTwoRenamesRecoversFromBackup() throws IOException {
        StateStore store = new StateStore(file(), CLOCK);
        store.save(stateWith(1));
        store.save(stateWith(1, 2));
        // the main file was moved to .bak and the new one not yet renamed in place
        AtomicFiles.move(file(), dir.resolve("state.json.bak"));

        StateStore.Loaded loaded = new StateStore(file(), CLOCK).load();

        assertEquals(stateWith(1, 2), loaded.state());
    }

    @Test
    void bothFilesUnreadableStartsAfreshAndKeepsTheWreckage() throws IOException {
        Files.writeString(file(), "not json");
        Files.writeString(dir.resolve("state.json.bak"), "");

        StateStore.Loaded loaded = new StateStore(file(), CLOCK).load();

        assertNull(loaded.state().attachment());
        assertTrue(loaded.state().tasks().isEmpty());
        assertTrue(loaded.notes().stream().anyMatch(n -> n.contains("starting afresh")), loaded.notes()::toString);
        try (var files = Files.list(dir)) {
            assertEquals(2, files.filter(p -> p.getFileName().toString().contains(".corrupt-")).count());
        }
    }

    @Test
    void noStateFileMeansANewClient() throws IOException {
        StateStore.Loaded loaded = new StateStore(file(), CLOCK).load();

        assertEquals(ClientState.empty(), loaded.state());
        assertTrue(loaded.notes().isEmpty());
    }

    @Test
    void authenticatorIsNeverInToString() {
        assertFalse(stateWith(1).toString().contains("secret-token"));
    }
}

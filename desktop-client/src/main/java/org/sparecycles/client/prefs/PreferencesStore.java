package org.sparecycles.client.prefs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sparecycles.client.state.AtomicFiles;
import org.sparecycles.workunits.json.Json;

/** Reads and writes {@code preferences.json} (atomically); a missing or unreadable file gives the defaults. */
public final class PreferencesStore {
    private final Path file;
    private final ObjectMapper mapper = Json.mapper();

    public PreferencesStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public Preferences load() {
        if (!Files.isRegularFile(file)) {
            return Preferences.defaults();
        }
        try {
            Preferences p = mapper.readValue(file.toFile(), Preferences.class);
            return p.problems().isEmpty() ? p : Preferences.defaults();
        } catch (IOException | RuntimeException e) {
            return Preferences.defaults();
        }
    }

    /** @throws IllegalArgumentException naming every bad value; nothing is written then */
    public void save(Preferences p) throws IOException {
        if (!p.problems().isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", p.problems()));
        }
        AtomicFiles.write(file, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(p));
    }
}

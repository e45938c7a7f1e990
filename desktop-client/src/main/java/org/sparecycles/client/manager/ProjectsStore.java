package org.sparecycles.client.manager;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparecycles.client.state.AtomicFiles;
import org.sparecycles.workunits.json.Json;

/** {@code attachments.json} and {@code credit-history.json} of the desktop app, written atomically. */
final class ProjectsStore {
    /** Credit samples kept per attachment (10-minute polls: about two weeks). */
    static final int SAMPLES_KEPT = 2000;

    private final Path attachments;
    private final Path credit;
    private final ObjectMapper mapper = Json.mapper();

    ProjectsStore(Path dir) {
        this.attachments = dir.resolve("attachments.json");
        this.credit = dir.resolve("credit-history.json");
    }

    List<ProjectSettings> loadProjects() throws IOException {
        return read(attachments, ProjectSettings.class);
    }

    void saveProjects(List<ProjectSettings> list) throws IOException {
        AtomicFiles.write(attachments, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(list));
    }

    List<CreditSample> loadCredit() {
        try {
            return read(credit, CreditSample.class);
        } catch (IOException e) {
            return new ArrayList<>(); // history is nice to have; start a new one
        }
    }

    void saveCredit(List<CreditSample> samples) throws IOException {
        AtomicFiles.write(credit, mapper.writeValueAsBytes(samples));
    }

    private <T> List<T> read(Path file, Class<T> type) throws IOException {
        if (!Files.isRegularFile(file)) {
            return new ArrayList<>();
        }
        return new ArrayList<>(mapper.readValue(file.toFile(),
                mapper.getTypeFactory().constructCollectionType(List.class, type)));
    }
}

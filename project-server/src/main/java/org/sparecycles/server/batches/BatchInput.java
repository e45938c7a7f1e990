package org.sparecycles.server.batches;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sparecycles.workunits.app.InputFile;

/**
 * One input file of a batch being submitted: its name and where its bytes are. Uploads are staged on disk by
 * {@link InputFiles}, so the heap never holds a whole batch; a submission reads its files one at a time.
 */
public sealed interface BatchInput {
    String name();

    long size();

    InputStream open() throws IOException;

    /** The whole file, as the app's {@code checkInput} takes it. */
    InputFile read() throws IOException;

    /** A file already in memory (batches made by the server's own commands and by tests). */
    static BatchInput of(InputFile file) {
        return new InMemory(file);
    }

    /** A file in memory. */
    record InMemory(InputFile file) implements BatchInput {
        @Override
        public String name() {
            return file.name();
        }

        @Override
        public long size() {
            return file.content().length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(file.content());
        }

        @Override
        public InputFile read() {
            return file;
        }
    }

    /** A file on disk, read when needed. */
    record OnDisk(String name, Path path, long size) implements BatchInput {
        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(path);
        }

        @Override
        public InputFile read() throws IOException {
            return new InputFile(name, Files.readAllBytes(path));
        }
    }
}

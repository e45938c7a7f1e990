package org.sparecycles.client.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.sparecycles.workunits.json.CanonicalJson;

/** Reads, from outside, how far a client's workers have checkpointed: the most files any slot's checkpoint holds. */
final class CheckpointProbe {
    private CheckpointProbe() {
    }

    static int filesDone(Path clientDataDir) throws IOException {
        if (!Files.isDirectory(clientDataDir)) {
            return 0;
        }
        int most = 0;
        try (Stream<Path> files = Files.walk(clientDataDir)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.getFileName().toString().equals("checkpoint.json"))::iterator) {
                try {
                    most = Math.max(most, CanonicalJson.read(Files.readAllBytes(p)).path("files").size());
                } catch (IOException e) {
                    // replaced while we read it: the next look sees the new one
                }
            }
        }
        return most;
    }
}

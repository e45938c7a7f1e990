package org.sparecycles.client.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.sparecycles.client.net.ApiException;
import org.sparecycles.client.net.ServerApi;
import org.sparecycles.client.state.AtomicFiles;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.protocol.InputRef;

/**
 * Input files of one server, content-addressed: {@code cache/<server key>/<sha[0..2]>/<sha256>}. A file enters
 * the cache only after its size and SHA-256 matched, so a cached file is trusted as is. Thread-safe: tasks that
 * share an input download it on their own threads, and a fetch of a file waits while another thread fetches the
 * same one (by hash), then finds it cached; two downloads into the one {@code .part} file could otherwise move a
 * file that the other was still writing into the cache.
 */
final class InputCache {
    static final int ATTEMPTS = 3;

    /** Locks by the first byte of the hash: fetches of one file take turns, those of most others do not wait. */
    private final Object[] fetching = new Object[256];
    private final Path dir;
    private final ServerApi api;

    InputCache(Path cacheRoot, ServerApi api) {
        this.dir = cacheRoot.resolve(serverKey(api.server()));
        this.api = api;
        for (int i = 0; i < fetching.length; i++) {
            fetching[i] = new Object();
        }
    }

    /** {@code host_port}, safe as a directory name. */
    static String serverKey(java.net.URI server) {
        int port = server.getPort() >= 0 ? server.getPort() : "https".equals(server.getScheme()) ? 443 : 80;
        String key = server.getHost() + "_" + port + (server.getPath() == null ? "" : server.getPath());
        return key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
    }

    Path path(String sha256) {
        return dir.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    /**
     * The cached file for this input, downloading it when missing.
     *
     * @throws InputRejectedException when the server's bytes do not match size and hash {@value #ATTEMPTS} times
     */
    Path fetch(InputRef input) throws IOException, ApiException, InputRejectedException {
        if (!Sha256.isValid(input.sha256())) {
            throw new InputRejectedException(input.name() + ": invalid SHA-256 '" + input.sha256() + "'");
        }
        synchronized (fetching[Integer.parseInt(input.sha256().substring(0, 2), 16)]) {
            return fetchInTurn(input);
        }
    }

    private Path fetchInTurn(InputRef input) throws IOException, ApiException, InputRejectedException {
        Path target = path(input.sha256());
        if (Files.isRegularFile(target) && Files.size(target) == input.size()) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(input.sha256() + ".part");
        String problem = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            ServerApi.Download got = api.download(input.url(), part, input.size());
            long size = got.size();
            String hash = size == input.size() ? got.sha256() : "";
            if (hash.equals(input.sha256())) {
                AtomicFiles.move(part, target);
                return target;
            }
            problem = size != input.size() ? "got " + size + " bytes, expected " + input.size()
                    : "SHA-256 " + hash + " differs from " + input.sha256();
            Files.deleteIfExists(part);
        }
        throw new InputRejectedException(input.name() + ": download failed the integrity check " + ATTEMPTS
                + " times (" + problem + ")");
    }

    /** Deletes the cached files of {@code hashes} whose hash is not in {@code keep}. */
    void delete(Set<String> hashes, Set<String> keep) throws IOException {
        for (String sha256 : hashes) {
            if (!keep.contains(sha256) && Sha256.isValid(sha256)) {
                Files.deleteIfExists(path(sha256));
            }
        }
    }

    /** Deletes cached files whose hash is not in {@code keep}, walking the whole cache. */
    void retainOnly(Set<String> keep) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && !name.endsWith(".part") && !keep.contains(name)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The server's bytes did not match the assignment's size and hash, repeatedly. */
    static final class InputRejectedException extends Exception {
        InputRejectedException(String message) {
            super(message);
        }
    }
}

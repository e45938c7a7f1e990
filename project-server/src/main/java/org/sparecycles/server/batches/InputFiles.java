package org.sparecycles.server.batches;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.sparecycles.server.error.PayloadTooLargeException;
import org.sparecycles.server.files.FileStore;

/**
 * The input files of one submission, turned from uploaded parts and written to a directory of their own as they
 * are read, so a batch larger than the heap can be submitted. A {@code .zip} part becomes its entries (folders
 * flattened, hidden entries and folders skipped), any other part one file. File names are reduced to their last
 * path segment. Sizes (unpacked) count against the batch limit, so a zip bomb stops early. {@link #close()}
 * deletes the files; {@link #deleteLeftovers} those of a server that was killed while reading an upload.
 * Not thread-safe: one per request.
 */
public final class InputFiles implements AutoCloseable {
    private static final String PREFIX = "batch-";

    private final Path dir;
    private final List<BatchInput> files = new ArrayList<>();
    private long budget;

    private InputFiles(Path dir, long maxBytes) {
        this.dir = dir;
        this.budget = maxBytes;
    }

    /**
     * Starts a submission's files in a new directory under {@code uploadTemp}.
     *
     * @param maxBytes the batch's size limit, unpacked
     */
    public static InputFiles create(Path uploadTemp, long maxBytes) throws IOException {
        return new InputFiles(Files.createTempDirectory(uploadTemp, PREFIX), maxBytes);
    }

    /**
     * Deletes what uploads interrupted by a crash left under {@code uploadTemp}: staged batches and Undertow's
     * multipart files, once an hour old, since nodes sharing the data dir may be reading uploads right now.
     */
    public static void deleteLeftovers(Path uploadTemp, Instant now) throws IOException {
        Instant before = now.minus(FileStore.LEFTOVER_AGE);
        try (Stream<Path> entries = Files.list(uploadTemp)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                boolean ours = name.startsWith(PREFIX) || name.startsWith("undertow") && name.endsWith("upload");
                if (ours && Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
                    deleteTree(p);
                }
            }
        }
    }

    /**
     * Adds the part's files.
     *
     * @param problems where an unreadable or empty zip is reported, naming it
     * @throws PayloadTooLargeException when the batch exceeds the limit
     */
    public void add(String partName, InputStream content, List<String> problems) throws IOException {
        String name = baseName(partName);
        if (name.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            addZip(name, content, problems);
        } else {
            files.add(write(name, name, content));
        }
    }

    /** The files so far, in the order read. */
    public List<BatchInput> files() {
        return Collections.unmodifiableList(files);
    }

    private void addZip(String zipName, InputStream content, List<String> problems) throws IOException {
        int before = files.size();
        try (ZipInputStream zip = new ZipInputStream(content)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String entry = baseName(e.getName());
                if (e.isDirectory() || entry.isEmpty() || entry.startsWith(".") || e.getName().contains("__MACOSX/")) {
                    continue;
                }
                files.add(write(entry, zipName + "!" + entry, zip));
            }
        } catch (java.util.zip.ZipException e) {
            problems.add(zipName + ": not a readable zip (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) { // an entry name that is not UTF-8 ("MALFORMED")
            problems.add(zipName + ": not a readable zip (an entry name is not UTF-8: " + e.getMessage() + ")");
            return;
        }
        if (files.size() == before) {
            problems.add(zipName + ": the zip holds no files");
        }
    }

    /** Copies one file to the directory, stopping as soon as it goes over what the batch has left. */
    private BatchInput write(String name, String where, InputStream in) throws IOException {
        Path file = dir.resolve(Integer.toString(files.size()));
        long size = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                size += n;
                if (size > budget) {
                    throw new PayloadTooLargeException("batch_too_large", where + ": the batch exceeds its size limit");
                }
                out.write(buffer, 0, n);
            }
        }
        budget -= size;
        return new BatchInput.OnDisk(name, file, size);
    }

    static String baseName(String path) {
        String p = path == null ? "" : path.replace('\\', '/');
        String base = p.substring(p.lastIndexOf('/') + 1).strip();
        StringBuilder clean = new StringBuilder();
        base.codePoints().filter(cp -> !Character.isISOControl(cp)).forEach(clean::appendCodePoint);
        String out = clean.toString();
        return out.length() > 255 ? out.substring(out.length() - 255) : out.isEmpty() ? "unnamed" : out;
    }

    @Override
    public void close() throws IOException {
        deleteTree(dir);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package org.sparecycles.server.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.sparecycles.workunits.hash.Sha256;

/**
 * Content-addressed file store under {@code <data dir>/files}: a file with SHA-256 {@code abcd...} lives at
 * {@code files/ab/abcd...}. Writes go to {@code files/tmp/} and are renamed atomically into place, so a file under
 * its hash is always complete and correct, even after kill -9 of the server. Storing the same content twice is
 * harmless. Thread-safe.
 *
 * <p>Against a crash of the whole machine (power loss), a file is only safe once fsynced. Whether the store
 * fsyncs each file before renaming it follows the database: embedded H2 does not fsync its commits either (its
 * guarantee is the same as the store's without fsync: everything acknowledged survives a crash of the process), so
 * a fsync per file would buy nothing there and cost 10 ms or more a file on ordinary disks; on PostgreSQL, which
 * fsyncs its commits, the store fsyncs too (docs/admin-guide.md, "Durability").
 */
public final class FileStore {
    /** Files fsynced at once by {@link #putAll}. */
    private static final int SYNC_THREADS = 16;
    /** How old a temporary file must be to count as left by a process that died (here and for uploads). */
    public static final java.time.Duration LEFTOVER_AGE = java.time.Duration.ofHours(1);

    private final Path root;
    private final Path tmp;
    private final boolean fsync;

    /** Whether each file is fsynced (with its directory) before it is renamed into place. */
    public boolean fsyncs() {
        return fsync;
    }

    /** A store that fsyncs every file it writes. */
    public FileStore(Path dataDir) throws IOException {
        this(dataDir, true);
    }

    /** @param fsync whether each file is fsynced (with its directory) before it is renamed into place */
    public FileStore(Path dataDir, boolean fsync) throws IOException {
        this.fsync = fsync;
        this.root = dataDir.resolve("files");
        this.tmp = root.resolve("tmp");
        Files.createDirectories(tmp);
        // half-written files of a process that died; only old ones, since nodes sharing the data dir may be writing
        java.nio.file.attribute.FileTime before = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(LEFTOVER_AGE));
        try (Stream<Path> leftovers = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) leftovers::iterator) {
                if (Files.getLastModifiedTime(p).compareTo(before) < 0) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A file in the store. */
    public record StoredFile(String sha256, long size) {
    }

    /** What {@link #put(InputStream, long, String)} did. */
    public sealed interface PutOutcome {
        /** Stored (or already there). */
        record Stored(StoredFile file) implements PutOutcome {
        }

        /** More than the allowed bytes; nothing stored. */
        record TooLarge(long limit) implements PutOutcome {
        }

        /** The content's hash is not the expected one; nothing stored. */
        record HashMismatch(String expected, String actual, long size) implements PutOutcome {
        }
    }

    /** Stores the bytes; returns their hash and size. */
    public StoredFile put(byte[] content) throws IOException {
        return put(new java.io.ByteArrayInputStream(content));
    }

    /** Streams the content into the store, whatever its size; returns its hash and size. */
    public StoredFile put(InputStream in) throws IOException {
        return ((PutOutcome.Stored) put(in, Long.MAX_VALUE, null)).file();
    }

    /**
     * Streams the content into the store. Nothing is stored unless it is at most {@code maxBytes} long and,
     * when {@code expectedSha256} is not null, has that hash.
     */
    public PutOutcome put(InputStream in, long maxBytes, String expectedSha256) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        if (expectedSha256 != null && Sha256.isValid(expectedSha256) && Files.isRegularFile(path(expectedSha256))) {
            // already stored (a quorum's replicas mostly agree, so this is every agreeing replica but the first):
            // check the bytes against the hash without writing them anywhere
            long size = read(in, null, digest, maxBytes);
            return size < 0 ? new PutOutcome.TooLarge(maxBytes) : checked(digest, size, expectedSha256);
        }
        TempFile temp = newTempFile("upload-");
        boolean moved = false;
        try {
            long size;
            try (FileChannel channel = temp.channel(); OutputStream out = Channels.newOutputStream(channel)) {
                size = read(in, out, digest, maxBytes);
                if (size < 0) {
                    return new PutOutcome.TooLarge(maxBytes);
                }
                if (fsync) {
                    channel.force(true);
                }
            }
            PutOutcome outcome = checked(digest, size, expectedSha256);
            if (!(outcome instanceof PutOutcome.Stored stored)) {
                return outcome;
            }
            Path target = path(stored.file().sha256());
            if (!Files.exists(target)) {
                moveIntoPlace(temp.path(), target);
                moved = true;
                if (fsync) {
                    fsyncDirectory(target.getParent());
                }
            }
            return outcome;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp.path());
            }
        }
    }

    /**
     * Reads the content to its end into the digest and, unless {@code out} is null, into {@code out}; returns its
     * size, or -1 as soon as it is longer than {@code maxBytes}.
     */
    private static long read(InputStream in, OutputStream out, MessageDigest digest, long maxBytes)
            throws IOException {
        // outputs are mostly small: a 64 KB buffer per upload was a tenth of all the load test allocated
        byte[] buffer = new byte[16 * 1024];
        long size = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            size += n;
            if (size > maxBytes) {
                return -1;
            }
            digest.update(buffer, 0, n);
            if (out != null) {
                out.write(buffer, 0, n);
            }
        }
        return size;
    }

    /** Stored, or a hash mismatch when {@code expectedSha256} is given and the digest differs. */
    private static PutOutcome checked(MessageDigest digest, long size, String expectedSha256) {
        String sha = HexFormat.of().formatHex(digest.digest());
        if (expectedSha256 != null && !expectedSha256.equals(sha)) {
            return new PutOutcome.HashMismatch(expectedSha256, sha, size);
        }
        return new PutOutcome.Stored(new StoredFile(sha, size));
    }

    /** A temporary file just created, empty, open for writing. */
    private record TempFile(Path path, FileChannel channel) {
    }

    /**
     * Creates a temporary file under a new random name with one {@code open}, readable by the owner only (as
     * {@link Files#createTempFile} makes them). Not {@code createTempFile} and a second open: that second open
     * truncates the empty file, and on ext4 a file truncated to nothing is flushed to disk when it is closed
     * (its {@code auto_da_alloc}), which took 3.5% of the CPU of a load test in the kernel.
     */
    private TempFile newTempFile(String prefix) throws IOException {
        while (true) {
            Path path = tmp.resolve(prefix + Long.toUnsignedString(
                    java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".part");
            try {
                return new TempFile(path, OWNER_ONLY == null
                        ? FileChannel.open(path, NEW_FILE)
                        : FileChannel.open(path, NEW_FILE, OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another name (another node sharing the data dir may have drawn the same one)
            }
        }
    }

    private static final Set<StandardOpenOption> NEW_FILE = java.util.EnumSet.of(
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))
                    : null;

    /**
     * Stores several contents; returns their hashes and sizes in the same order. With fsync on, the files are
     * written first, then fsynced together (in parallel, so the disk's flushes overlap instead of queueing one after
     * another), then renamed into place. Nothing is renamed into place unless every file was written and synced.
     */
    public List<StoredFile> putAll(List<byte[]> contents) throws IOException {
        List<StoredFile> out = new ArrayList<>(contents.size());
        Map<Path, Path> pending = new LinkedHashMap<>(); // place -> temp file written for it
        try {
            for (byte[] content : contents) {
                String sha = Sha256.hex(content);
                out.add(new StoredFile(sha, content.length));
                Path target = path(sha);
                if (Files.exists(target) || pending.containsKey(target)) {
                    continue;
                }
                TempFile temp = newTempFile("merged-");
                pending.put(target, temp.path());
                try (FileChannel channel = temp.channel()) {
                    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(content);
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                }
            }
            if (fsync) {
                inParallel(new ArrayList<>(pending.values()), FileStore::fsync);
            }
            Set<Path> directories = new LinkedHashSet<>();
            for (Map.Entry<Path, Path> e : pending.entrySet()) {
                moveIntoPlace(e.getValue(), e.getKey());
                directories.add(e.getKey().getParent());
            }
            if (fsync) {
                inParallel(new ArrayList<>(directories), FileStore::fsyncDirectory);
            }
            return out;
        } finally {
            for (Path temp : pending.values()) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Renames a complete temporary file to its place (atomically where the file system can). */
    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            move(temp, target);
        } catch (java.nio.file.NoSuchFileException e) {
            // the first file under this prefix (the directories are made when needed, not checked every time)
            Files.createDirectories(target.getParent());
            move(temp, target);
        }
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A file operation that may fail. */
    @FunctionalInterface
    private interface FileWork {
        void run(Path p) throws IOException;
    }

    /** Runs the work on every path, up to {@link #SYNC_THREADS} at a time; the first failure is thrown. */
    private static void inParallel(List<Path> paths, FileWork work) throws IOException {
        if (paths.size() <= 1) {
            for (Path p : paths) {
                work.run(p);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(SYNC_THREADS, paths.size()), r -> {
            Thread t = new Thread(r, "sparecycles-fsync");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Path p : paths) {
                done.add(pool.submit(() -> {
                    work.run(p);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while syncing files");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** True when a file with this hash is stored. */
    public boolean contains(String sha256) {
        return Sha256.isValid(sha256) && Files.isRegularFile(path(sha256));
    }

    /** The size of the stored file with this hash, or -1 when the store does not hold it (or the hash is not one). */
    public long size(String sha256) {
        if (!Sha256.isValid(sha256)) {
            return -1;
        }
        try {
            return Files.size(path(sha256));
        } catch (IOException e) {
            return -1;
        }
    }

    /** Where the file with this hash lives (whether or not it exists). */
    public Path path(String sha256) {
        if (!Sha256.isValid(sha256)) {
            throw new IllegalArgumentException("not a SHA-256: " + sha256);
        }
        return root.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    /** The stored bytes of a file. */
    public byte[] read(String sha256) throws IOException {
        return Files.readAllBytes(path(sha256));
    }

    /**
     * The stored bytes of a file, or empty when the store does not hold it (deleted or lost outside the server: the
     * database still names it). Callers show that instead of failing a whole page or download.
     */
    public java.util.Optional<byte[]> readIfPresent(String sha256) throws IOException {
        try {
            return java.util.Optional.of(Files.readAllBytes(path(sha256)));
        } catch (java.nio.file.NoSuchFileException e) {
            return java.util.Optional.empty();
        }
    }

    /** What pages and downloads say of a file the database names but the store does not hold. */
    public static final String MISSING = "missing from the server's file store";

    /** Number of stored files (for tests and statistics); walks the store. */
    public long count() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.startsWith(tmp)).count();
        }
    }

    private static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported on every platform (Windows); the rename itself is atomic
        }
    }
}

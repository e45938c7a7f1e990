package org.sparecycles.client.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file replacement: write a temporary sibling, force it to disk, rename it over the target. A reader
 * sees the old content or the new, never a mix. Used for client state and for the worker's checkpoint, progress
 * and output files.
 */
public final class AtomicFiles {
    /** Suffix of the temporary file a write leaves behind when interrupted. */
    public static final String TEMP_SUFFIX = ".tmp";

    private AtomicFiles() {
    }

    /** Replaces {@code target} with {@code content} atomically. */
    public static void write(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        writeDurably(temp, content);
        move(temp, target);
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Writes (replacing) a file and forces its content to disk; not atomic by itself. */
    static void writeDurably(Path path, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Renames atomically where the file system can, replacing the target. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Renames a file whose content is already on disk (written with {@link #write}) and makes the rename durable:
     * the file is at {@code to} or still at {@code from} after a crash, never lost or half there.
     */
    public static void moveDurably(Path from, Path to) throws IOException {
        move(from, to);
        syncDirectory(to.toAbsolutePath().getParent());
    }

    /** Makes a rename durable on file systems that need the directory forced (Linux); a no-op elsewhere. */
    static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open directories; its renames are durable enough for us
        }
    }
}

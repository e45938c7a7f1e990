package org.sparecycles.server.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparecycles.workunits.hash.Sha256;

class FileStoreTest {
    @TempDir
    Path dataDir;

    @ParameterizedTest(name = "fsync {0}")
    @ValueSource(booleans = {true, false})
    void putAllStoresEveryContentUnderItsHashInOrderOnceEach(boolean fsync) throws Exception {
        FileStore store = new FileStore(dataDir, fsync);
        byte[] already = "{\"file\":\"a.png\"}".getBytes(StandardCharsets.UTF_8);
        store.put(already);
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            contents.add(("{\"file\":\"f" + (i % 30) + ".png\",\"objects\":[]}").getBytes(StandardCharsets.UTF_8));
        }
        contents.add(already);
        contents.add(new byte[0]);

        List<FileStore.StoredFile> stored = store.putAll(contents);

        assertEquals(contents.size(), stored.size());
        for (int i = 0; i < contents.size(); i++) {
            assertEquals(Sha256.hex(contents.get(i)), stored.get(i).sha256(), "hash of content " + i);
            assertEquals(contents.get(i).length, stored.get(i).size());
            assertArrayEquals(contents.get(i), store.read(stored.get(i).sha256()), "content " + i + " read back");
        }
        assertEquals(32, store.count(), "30 distinct new entries, the empty one, and the one stored before");
        try (Stream<Path> left = Files.list(dataDir.resolve("files/tmp"))) {
            assertFalse(left.findAny().isPresent(), "no temporary files left behind");
        }
        assertTrue(store.putAll(List.of()).isEmpty());
    }

    @org.junit.jupiter.api.Test
    void startingDeletesOnlyTemporaryFilesOldEnoughToBeLeftByACrash() throws Exception {
        Path tmp = Files.createDirectories(dataDir.resolve("files/tmp"));
        Path old = Files.writeString(tmp.resolve("upload-1.part"), "half a file of a process that died");
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(FileStore.LEFTOVER_AGE).minusSeconds(60)));
        Path recent = Files.writeString(tmp.resolve("upload-2.part"), "another node is writing this one");

        new FileStore(dataDir, false);

        assertFalse(Files.exists(old), "an hour-old temporary file is deleted");
        assertTrue(Files.exists(recent), "a recent one may belong to a node sharing the data dir");
    }

    @org.junit.jupiter.api.Test
    void anUploadOfContentAlreadyStoredIsCheckedAgainstItsHashWithoutBeingWrittenAgain() throws Exception {
        FileStore store = new FileStore(dataDir, false);
        byte[] output = "{\"objects\":[{\"area\":42}]}".getBytes(StandardCharsets.UTF_8);
        String sha = store.put(output).sha256();
        // nothing can be written any more: the temporary directory is now a plain file
        Path tmp = dataDir.resolve("files/tmp");
        Files.delete(tmp);
        Files.writeString(tmp, "not a directory");

        FileStore.PutOutcome again = store.put(new java.io.ByteArrayInputStream(output), 1000, sha);
        FileStore.PutOutcome forged = store.put(new java.io.ByteArrayInputStream(
                "{\"objects\":[]}".getBytes(StandardCharsets.UTF_8)), 1000, sha);
        FileStore.PutOutcome tooLarge = store.put(new java.io.ByteArrayInputStream(output), 10, sha);

        assertEquals(new FileStore.PutOutcome.Stored(new FileStore.StoredFile(sha, output.length)), again);
        assertTrue(forged instanceof FileStore.PutOutcome.HashMismatch m && m.expected().equals(sha)
                && !m.actual().equals(sha), "other bytes under a stored file's hash are refused: " + forged);
        assertEquals(new FileStore.PutOutcome.TooLarge(10), tooLarge);
        assertArrayEquals(output, store.read(sha), "the stored file is untouched");
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> store.put(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), 1000, null),
                "new content does need the temporary directory, so the uploads above did not use it");
    }

    @org.junit.jupiter.api.Test
    void storedFilesAreTheOwnersOnlyAndNoTemporaryFileIsLeft() throws Exception {
        FileStore store = new FileStore(dataDir, false);
        byte[] content = "{\"objects\":[]}".getBytes(StandardCharsets.UTF_8);

        FileStore.PutOutcome outcome = store.put(new java.io.ByteArrayInputStream(content), 1000, Sha256.hex(content));
        List<FileStore.StoredFile> merged = store.putAll(List.of("merged".getBytes(StandardCharsets.UTF_8)));

        assertEquals(new FileStore.PutOutcome.Stored(new FileStore.StoredFile(Sha256.hex(content), content.length)),
                outcome);
        for (String sha : List.of(Sha256.hex(content), merged.get(0).sha256())) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(store.path(sha))), "permissions of " + sha);
        }
        try (Stream<Path> left = Files.list(dataDir.resolve("files/tmp"))) {
            assertFalse(left.findAny().isPresent(), "no temporary files left behind");
        }
    }
}

package org.sparecycles.server.batches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.error.PayloadTooLargeException;

class InputFilesTest {
    @TempDir
    Path uploadTemp;

    private static byte[] zip(String... namesAndContents) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                zip.putNextEntry(new ZipEntry(namesAndContents[i]));
                zip.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static ByteArrayInputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void partsAndZipEntriesAreStagedOnDiskInOrderAndDeletedOnClose() throws Exception {
        List<String> problems = new ArrayList<>();
        Path dir;
        try (InputFiles files = InputFiles.create(uploadTemp, 1000)) {
            files.add("C:\\scans\\a.png", text("aaa"), problems);
            files.add("set.zip", new ByteArrayInputStream(zip("day1/b.png", "bb", ".hidden", "x", "__MACOSX/day1/b.png",
                    "y", "c.png", "c")), problems);
            assertEquals(List.of(), problems);
            assertEquals(List.of("a.png", "b.png", "c.png"), files.files().stream().map(BatchInput::name).toList());
            assertEquals(List.of(3L, 2L, 1L), files.files().stream().map(BatchInput::size).toList());
            BatchInput.OnDisk first = (BatchInput.OnDisk) files.files().get(0);
            assertEquals("aaa", new String(first.read().content(), StandardCharsets.UTF_8));
            dir = first.path().getParent();
            assertTrue(dir.startsWith(uploadTemp));
        }
        assertFalse(Files.exists(dir), "closing deletes the staged files");
    }

    @Test
    void theBatchLimitCountsUnpackedBytesAndNamesWhereItWasExceeded() throws Exception {
        try (InputFiles files = InputFiles.create(uploadTemp, 10)) {
            files.add("a.png", text("123456"), new ArrayList<>());
            PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class, () -> files.add("set.zip",
                    new ByteArrayInputStream(zip("b.png", "12", "c.png", "12345")), new ArrayList<>()));
            assertTrue(e.getMessage().contains("set.zip!c.png: the batch exceeds its size limit"), e.getMessage());
        }
    }

    @Test
    void leftoversOfACrashAreDeletedOnceAnHourOld() throws Exception {
        Instant now = Instant.now();
        FileTime old = FileTime.from(now.minus(org.sparecycles.server.files.FileStore.LEFTOVER_AGE).minusSeconds(60));
        Path staged = Files.createDirectories(uploadTemp.resolve("batch-123"));
        Files.writeString(staged.resolve("0"), "staged");
        Files.setLastModifiedTime(staged, old);
        Path spill = Files.writeString(uploadTemp.resolve("undertow4567upload"), "multipart");
        Files.setLastModifiedTime(spill, old);
        Path recent = Files.createDirectories(uploadTemp.resolve("batch-456"));
        Path unrelated = Files.writeString(uploadTemp.resolve("notes.txt"), "not an upload");
        Files.setLastModifiedTime(unrelated, old);

        InputFiles.deleteLeftovers(uploadTemp, now);

        try (Stream<Path> left = Files.list(uploadTemp)) {
            assertEquals(List.of("batch-456", "notes.txt"), left.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.isDirectory(recent));
    }
}

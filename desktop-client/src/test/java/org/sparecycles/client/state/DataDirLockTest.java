package org.sparecycles.client.state;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {
    @TempDir
    Path tmp;

    @Test
    void secondClientOnTheSameDirectoryIsRefusedWithAClearMessage() throws IOException {
        DataDirLock first = DataDirLock.acquire(tmp.resolve("a"));
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> DataDirLock.acquire(tmp.resolve("a")));
            assertTrue(e.getMessage().contains("is in use by another SpareCycles client"), e.getMessage());
            assertTrue(e.getMessage().contains("--data-dir"), e.getMessage());
        } finally {
            first.close();
        }
    }

    @Test
    void clientsWithDifferentDirectoriesRunSideBySide() throws IOException {
        try (DataDirLock a = DataDirLock.acquire(tmp.resolve("a"));
             DataDirLock b = DataDirLock.acquire(tmp.resolve("b"))) {
            assertTrue(a != b);
        }
    }

    @Test
    void directoryIsFreeAgainAfterClose() throws IOException {
        DataDirLock.acquire(tmp.resolve("a")).close();
        DataDirLock.acquire(tmp.resolve("a")).close();
    }
}

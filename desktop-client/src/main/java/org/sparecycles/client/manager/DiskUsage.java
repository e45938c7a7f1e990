package org.sparecycles.client.manager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Bytes under the data directory, for the disk preference. Used by the policy thread only ({@link PolicyReadings}),
 * without the manager's monitor: a walk can take seconds with many files.
 */
final class DiskUsage {
    private static final Duration DISK_WALK_PERIOD = Duration.ofSeconds(30);

    private final Path dataDir;
    private final Clock clock;
    private Instant diskWalkedAt;
    private long diskUsed;

    DiskUsage(Path dataDir, Clock clock) {
        this.dataDir = dataDir;
        this.clock = clock;
    }

    /** Bytes under the data directory, walked at most every {@link #DISK_WALK_PERIOD} (not every policy step). */
    long usedBytes() {
        Instant now = clock.instant();
        if (diskWalkedAt != null && Duration.between(diskWalkedAt, now).compareTo(DISK_WALK_PERIOD) < 0) {
            return diskUsed;
        }
        diskWalkedAt = now;
        try (var files = Files.walk(dataDir)) {
            diskUsed = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | RuntimeException e) {
            diskUsed = 0;
        }
        return diskUsed;
    }
}

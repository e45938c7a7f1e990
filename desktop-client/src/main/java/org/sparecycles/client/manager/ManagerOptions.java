package org.sparecycles.client.manager;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the desktop app's manager runs: where its data lives, how many cores the machine has, how often it checks
 * idleness and polls credit. Test-only knobs ({@code taskDelay}, {@code maxBackoff}) mirror the command line's.
 *
 * @param policyPeriod how often input idleness is read and the compute decision applied (input suspends tasks
 *                     within this plus the engine's reaction, well under 1 s)
 */
public record ManagerOptions(Path dataDir, int logicalCores, Duration policyPeriod, Duration creditPoll,
                             Duration taskDelay, Duration maxBackoff) {
    public ManagerOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        if (logicalCores < 1) {
            logicalCores = Runtime.getRuntime().availableProcessors();
        }
    }

    /** Physical memory of the machine in bytes (0 when the JVM cannot tell); what the memory limits are shares of. */
    public long memoryBytes() {
        return PhysicalMemory.BYTES;
    }

    private static final class PhysicalMemory {
        static final long BYTES = read();

        private static long read() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return Math.max(0, os.getTotalMemorySize());
            }
            return 0;
        }
    }

    public static ManagerOptions defaults(Path dataDir) {
        return new ManagerOptions(dataDir, Runtime.getRuntime().availableProcessors(), Duration.ofMillis(250),
                Duration.ofMinutes(10), Duration.ZERO, Duration.ofMinutes(10));
    }

    public ManagerOptions withCreditPoll(Duration d) {
        return new ManagerOptions(dataDir, logicalCores, policyPeriod, d, taskDelay, maxBackoff);
    }

    public ManagerOptions withTaskDelay(Duration d) {
        return new ManagerOptions(dataDir, logicalCores, policyPeriod, creditPoll, d, maxBackoff);
    }

    public ManagerOptions withCores(int n) {
        return new ManagerOptions(dataDir, n, policyPeriod, creditPoll, taskDelay, maxBackoff);
    }
}

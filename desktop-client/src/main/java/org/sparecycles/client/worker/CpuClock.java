package org.sparecycles.client.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;

/** CPU time used by this process so far. */
@FunctionalInterface
interface CpuClock {
    double seconds();

    /** The JVM's process CPU time (all threads), or ProcessHandle's view when the MXBean lacks it. */
    static CpuClock processClock() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0) {
            return () -> sun.getProcessCpuTime() / 1e9;
        }
        return () -> ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e9;
    }
}

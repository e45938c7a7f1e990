package org.sparecycles.client.host;

import oshi.SystemInfo;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.software.os.OperatingSystem;

/** Reads {@link HostReadings} from the OS through OSHI; falls back to Java's own properties if OSHI fails. */
public final class HostProbe {
    private HostProbe() {
    }

    public static HostReadings read() {
        try {
            SystemInfo si = new SystemInfo();
            HardwareAbstractionLayer hw = si.getHardware();
            OperatingSystem os = si.getOperatingSystem();
            OperatingSystem.OSVersionInfo v = os.getVersionInfo();
            return new HostReadings(os.getNetworkParams().getHostName(), os.getFamily(), v.getVersion(),
                    v.getBuildNumber(), v.getCodeName(), hw.getProcessor().getProcessorIdentifier().getName(),
                    hw.getProcessor().getLogicalProcessorCount(), hw.getMemory().getTotal());
        } catch (RuntimeException | LinkageError e) {
            return fallback();
        }
    }

    static HostReadings fallback() {
        Runtime rt = Runtime.getRuntime();
        return new HostReadings(System.getenv().getOrDefault("HOSTNAME", System.getenv("COMPUTERNAME")),
                System.getProperty("os.name"), System.getProperty("os.version"), null, null,
                System.getProperty("os.arch"), rt.availableProcessors(), 0);
    }
}

package org.sparecycles.client.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Resident memory of a process, where the OS tells it cheaply: {@code /proc/<pid>/status} on Linux. */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    /** The process's resident set in bytes; empty when unknown (not Linux, or the process is gone). */
    public static OptionalLong residentBytes(long pid) {
        try {
            return parseVmRss(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The {@code VmRSS:} line of a {@code /proc/<pid>/status} text, in bytes. */
    static OptionalLong parseVmRss(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring(6).trim().split("\\s+");
                return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
            }
        }
        return OptionalLong.empty();
    }
}

package org.sparecycles.client.host;

/**
 * Raw readings of a machine as the OS reports them, before any clean-up; any text may be null or blank.
 *
 * @param memoryBytes physical memory, 0 when unknown
 */
public record HostReadings(String hostName, String osFamily, String osVersion, String osBuild, String osCodeName,
                           String cpuName, int logicalCores, long memoryBytes) {
}

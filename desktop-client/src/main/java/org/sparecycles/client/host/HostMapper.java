package org.sparecycles.client.host;

import org.sparecycles.workunits.protocol.HostRegistration;

/** Turns raw {@link HostReadings} into the {@link HostRegistration} sent to servers. Pure. */
public final class HostMapper {
    static final String UNKNOWN = "unknown";

    private HostMapper() {
    }

    /**
     * @param nameOverride the volunteer's chosen host name, or null for the machine's own
     * @param gflops       benchmark result, GFLOPS per core
     */
    public static HostRegistration toRegistration(HostReadings r, String nameOverride, double gflops,
                                                  String clientVersion) {
        String name = clean(nameOverride);
        if (name == null) {
            name = clean(r.hostName());
        }
        return new HostRegistration(
                name == null ? UNKNOWN : name,
                orUnknown(clean(r.osFamily())),
                osVersion(r),
                orUnknown(clean(r.cpuName())),
                Math.max(1, r.logicalCores()),
                Math.max(0, r.memoryBytes()),
                Double.isFinite(gflops) && gflops > 0 ? gflops : 0,
                clientVersion);
    }

    /** Version, then build and code name in parentheses when known: {@code 10 (build 19045)}. */
    static String osVersion(HostReadings r) {
        String version = clean(r.osVersion());
        String build = clean(r.osBuild());
        String code = clean(r.osCodeName());
        StringBuilder sb = new StringBuilder(version == null ? UNKNOWN : version);
        if (code != null && (version == null || !version.contains(code))) {
            sb.append(' ').append(code);
        }
        if (build != null && (version == null || !version.contains(build))) {
            sb.append(" (build ").append(build).append(')');
        }
        return sb.toString();
    }

    /** Trims and collapses runs of white space; null when nothing is left. */
    static String clean(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip().replaceAll("\\s+", " ");
        return s.isEmpty() ? null : s;
    }

    private static String orUnknown(String s) {
        return s == null ? UNKNOWN : s;
    }
}

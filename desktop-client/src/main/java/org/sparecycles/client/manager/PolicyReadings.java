package org.sparecycles.client.manager;

import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import org.sparecycles.client.host.LoadSampler;
import org.sparecycles.client.idle.InputIdleSource;
import org.sparecycles.client.policy.Readings;

/**
 * What a policy step reads from the machine: input idleness, battery and other programs' load, and the bytes under
 * the data directory. These can be slow (an X11 or OS query, OSHI, a walk of the data directory), so the policy
 * thread takes them without the manager's monitor, which the UI's calls need. Policy thread only.
 */
final class PolicyReadings {
    private final Clock clock;
    private final InputIdleSource idle;
    private final LoadSampler load;
    private final DiskUsage disk;

    PolicyReadings(ManagerOptions options, Clock clock, InputIdleSource idle) {
        this.clock = clock;
        this.idle = idle;
        this.load = new LoadSampler(clock);
        this.disk = new DiskUsage(options.dataDir(), clock);
    }

    /**
     * The readings of one step.
     *
     * @param now       when they were taken
     * @param diskBytes bytes under the data directory; -1 when not read (no disk limit was set)
     */
    record Taken(Instant now, Readings machine, long diskBytes) {
    }

    /** @param diskLimited whether the volunteer set a disk limit (only then is the data directory walked) */
    Taken read(boolean diskLimited) {
        Instant now = clock.instant();
        Readings r = new Readings(ZonedDateTime.ofInstant(now, clock.getZone()), idle.idleTime(), load.onBattery(),
                load.otherCpuPercent());
        return new Taken(now, r, diskLimited ? disk.usedBytes() : -1);
    }
}

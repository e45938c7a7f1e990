package org.sparecycles.client.host;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.PowerSource;

/**
 * The machine's load and power as the compute policy needs them, from OSHI: CPU load of programs other than our
 * workers (whole-machine load between two samples minus our child processes' CPU time), and whether it runs on
 * battery. Samples at most every {@link #INTERVAL}; OSHI is initialised on first use only. Not thread-safe: one
 * thread uses it (in the desktop app, the policy thread, which samples without the manager's monitor).
 */
public final class LoadSampler {
    public static final Duration INTERVAL = Duration.ofSeconds(5);

    private final Clock clock;
    private CentralProcessor cpu;
    private List<PowerSource> power;
    private long[] ticks;
    private long ownCpuNanos;
    private Instant sampledAt = Instant.EPOCH;
    private double otherCpuPercent;
    private Boolean onBattery;

    public LoadSampler(Clock clock) {
        this.clock = clock;
    }

    public double otherCpuPercent() {
        sample();
        return otherCpuPercent;
    }

    /** True on battery, false on AC, null when the machine has no battery or OSHI cannot tell. */
    public Boolean onBattery() {
        sample();
        return onBattery;
    }

    private void sample() {
        Instant now = clock.instant();
        if (Duration.between(sampledAt, now).compareTo(INTERVAL) < 0) {
            return;
        }
        try {
            if (cpu == null) {
                SystemInfo si = new SystemInfo();
                cpu = si.getHardware().getProcessor();
                power = si.getHardware().getPowerSources();
            }
            long own = childrenCpuNanos();
            if (ticks != null) {
                double total = cpu.getSystemCpuLoadBetweenTicks(ticks) * 100;
                double wall = Math.max(1, Duration.between(sampledAt, now).toNanos()) * (double) cpu.getLogicalProcessorCount();
                double ours = Math.max(0, own - ownCpuNanos) / wall * 100;
                otherCpuPercent = Math.max(0, total - ours);
            }
            ticks = cpu.getSystemCpuLoadTicks();
            ownCpuNanos = own;
            onBattery = power.isEmpty() ? null : power.stream().noneMatch(PowerSource::isPowerOnLine)
                    && power.stream().anyMatch(p -> p.getRemainingCapacityPercent() > 0);
            power.forEach(PowerSource::updateAttributes);
        } catch (RuntimeException | LinkageError e) {
            onBattery = null;
        }
        sampledAt = now;
    }

    private static long childrenCpuNanos() {
        return ProcessHandle.current().descendants()
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }
}

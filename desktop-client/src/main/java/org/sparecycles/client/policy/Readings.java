package org.sparecycles.client.policy;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * What the machine looks like at one moment, as the policy needs it. Captured by {@code ReadingsProbe}; tests
 * build them by hand from recorded values.
 *
 * @param now             local time (for the time window)
 * @param inputIdle       time since the last keyboard or mouse input; null when unknown on this platform
 * @param onBattery       true on battery, false on AC; null when unknown (treated as AC)
 * @param otherCpuPercent CPU load of programs other than SpareCycles' workers, 0-100 of the whole machine
 */
public record Readings(ZonedDateTime now, Duration inputIdle, Boolean onBattery, double otherCpuPercent) {
    public Readings {
        Objects.requireNonNull(now, "now");
    }
}

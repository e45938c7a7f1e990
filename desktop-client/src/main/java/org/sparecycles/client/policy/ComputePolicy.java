package org.sparecycles.client.policy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.sparecycles.client.prefs.Preferences;

/**
 * Decides whether the machine may compute now: the volunteer's activity switch and snooze, then the preferences
 * against the readings, in the order a person would want to be told (suspended by you, snoozed, battery, time
 * window, in use, other programs' load). Pure: tested with recorded readings.
 */
public final class ComputePolicy {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    private ComputePolicy() {
    }

    /**
     * @param snoozeUntil computing is held until this instant (null or past: no snooze)
     */
    public static ComputeDecision decide(Preferences p, ActivityMode mode, Instant snoozeUntil, Readings r) {
        boolean active = isInUse(p, r.inputIdle());
        Preferences.UsageLimits limits = active ? p.inUse() : p.notInUse();
        if (mode == ActivityMode.SUSPENDED) {
            return new ComputeDecision(false, "suspended by you", active, limits);
        }
        Instant now = r.now().toInstant();
        if (snoozeUntil != null && now.isBefore(snoozeUntil)) {
            return new ComputeDecision(false, "snoozed until "
                    + CLOCK.format(snoozeUntil.atZone(r.now().getZone())), active, limits);
        }
        if (mode == ActivityMode.ALWAYS) {
            return new ComputeDecision(true, "running always", active, limits);
        }
        if (Boolean.TRUE.equals(r.onBattery()) && !p.computeOnBattery()) {
            return new ComputeDecision(false, "on battery", active, limits);
        }
        Preferences.TimeWindow window = p.windowOn(r.now().getDayOfWeek());
        LocalTime time = r.now().toLocalTime();
        if (!window.contains(time)) {
            return new ComputeDecision(false, "outside your time window (" + CLOCK.format(window.start()) + "-"
                    + CLOCK.format(window.end()) + ")", active, limits);
        }
        if (active && !p.computeWhileInUse() && r.inputIdle() == null) {
            return new ComputeDecision(false, "this computer gives no input-idle signal; allow computing while in"
                    + " use, or choose Run always", true, limits);
        }
        if (active && !p.computeWhileInUse()) {
            return new ComputeDecision(false, "you used the computer " + ago(r.inputIdle()) + " ago", active, limits);
        }
        int maxOther = limits.suspendAboveOtherCpuPercent();
        if (maxOther > 0 && r.otherCpuPercent() > maxOther) {
            return new ComputeDecision(false, String.format(Locale.ROOT,
                    "other programs use %.0f%% CPU (your limit: %d%%)", r.otherCpuPercent(), maxOther), active, limits);
        }
        return new ComputeDecision(true, active ? "computing while you use the computer" : "computer is idle",
                active, limits);
    }

    /**
     * In use when input came within the idle time. With no input signal at all (unknown), the machine counts as
     * in use when the volunteer asked to compute only when idle: we cannot know, so we do not take the machine.
     */
    static boolean isInUse(Preferences p, Duration inputIdle) {
        if (inputIdle == null) {
            return !p.computeWhileInUse();
        }
        return inputIdle.toMillis() < p.idleMinutes() * 60_000;
    }

    /** Tasks that may run at once under the limits: at least one core. */
    public static int cores(Preferences.UsageLimits limits, int logicalCores) {
        return Math.max(1, (int) Math.floor(logicalCores * limits.coresPercent() / 100.0));
    }

    /** "12 s", "3 min", "2 h": how long ago the last input was. */
    static String ago(Duration d) {
        if (d == null) {
            return "(unknown)";
        }
        long s = d.toSeconds();
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min";
        }
        return s / 3600 + " h";
    }
}

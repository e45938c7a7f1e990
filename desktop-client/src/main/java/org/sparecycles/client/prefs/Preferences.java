package org.sparecycles.client.prefs;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * When and how much the volunteer's machine may compute, as in BOINC's computing preferences: separate limits
 * while the computer is in use and while it is not, a daily time window with per-weekday overrides, battery, disk,
 * checkpoint interval and work buffer. Immutable; stored as JSON by {@link PreferencesStore} and applied without a
 * restart.
 *
 * @param computeWhileInUse  false: compute only when the computer is not in use (idle)
 * @param idleMinutes        no keyboard or mouse input for this long means "not in use"
 * @param inUse              limits while in use
 * @param notInUse           limits while not in use
 * @param computeOnBattery   false: hold computing while on battery
 * @param window             daily time window in which computing may happen
 * @param dayWindows         per-weekday windows replacing {@code window} on those days
 * @param diskMaxGb          most disk the client's data may use, GB (0: no limit)
 * @param checkpointSeconds  least time between two checkpoints of a task
 * @param minBufferDays      keep at least this much work on hand, days
 * @param extraBufferDays    and up to this much more, days
 */
public record Preferences(boolean computeWhileInUse, double idleMinutes, UsageLimits inUse, UsageLimits notInUse,
                          boolean computeOnBattery, TimeWindow window, Map<DayOfWeek, TimeWindow> dayWindows,
                          double diskMaxGb, int checkpointSeconds, double minBufferDays, double extraBufferDays) {

    public Preferences {
        Objects.requireNonNull(inUse, "inUse");
        Objects.requireNonNull(notInUse, "notInUse");
        window = window == null ? TimeWindow.ALWAYS : window;
        dayWindows = dayWindows == null || dayWindows.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(dayWindows));
    }

    /** BOINC-like defaults: compute only when idle for 3 minutes, all cores, on AC power, any time. */
    public static Preferences defaults() {
        return new Preferences(false, 3, new UsageLimits(50, 100, 50, 25), new UsageLimits(100, 100, 90, 0), false,
                TimeWindow.ALWAYS, Map.of(), 0, 60, 0.1, 0.25);
    }

    /** The window that applies on a day. */
    public TimeWindow windowOn(DayOfWeek day) {
        return dayWindows.getOrDefault(day, window);
    }

    /** The problems of these values, each naming the field; empty when valid. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (!(idleMinutes >= 0) || idleMinutes > 24 * 60) {
            out.add("idle minutes: " + idleMinutes + " is not between 0 and 1440");
        }
        out.addAll(inUse.problems("in use"));
        out.addAll(notInUse.problems("not in use"));
        if (!(diskMaxGb >= 0)) {
            out.add("disk limit: " + diskMaxGb + " GB is negative");
        }
        if (checkpointSeconds < 0) {
            out.add("checkpoint interval: " + checkpointSeconds + " s is negative");
        }
        if (!(minBufferDays >= 0) || !(extraBufferDays >= 0) || minBufferDays + extraBufferDays > 10) {
            out.add("work buffer: " + minBufferDays + " + " + extraBufferDays + " days must be 0 to 10 days");
        }
        return out;
    }

    public Preferences withComputeWhileInUse(boolean v) {
        return new Preferences(v, idleMinutes, inUse, notInUse, computeOnBattery, window, dayWindows, diskMaxGb,
                checkpointSeconds, minBufferDays, extraBufferDays);
    }

    public Preferences withIdleMinutes(double v) {
        return new Preferences(computeWhileInUse, v, inUse, notInUse, computeOnBattery, window, dayWindows, diskMaxGb,
                checkpointSeconds, minBufferDays, extraBufferDays);
    }

    public Preferences withWindow(TimeWindow v, Map<DayOfWeek, TimeWindow> days) {
        return new Preferences(computeWhileInUse, idleMinutes, inUse, notInUse, computeOnBattery, v, days, diskMaxGb,
                checkpointSeconds, minBufferDays, extraBufferDays);
    }

    public Preferences withComputeOnBattery(boolean v) {
        return new Preferences(computeWhileInUse, idleMinutes, inUse, notInUse, v, window, dayWindows, diskMaxGb,
                checkpointSeconds, minBufferDays, extraBufferDays);
    }

    /**
     * Limits that apply in one usage state.
     *
     * @param coresPercent               share of logical cores to use, 1-100 (at least one core)
     * @param cpuTimePercent             duty cycle: share of time tasks compute, 1-100
     * @param memoryPercent              share of physical memory tasks may use
     * @param suspendAboveOtherCpuPercent hold computing while other programs use more CPU than this; 0: never
     */
    public record UsageLimits(int coresPercent, int cpuTimePercent, int memoryPercent,
                              int suspendAboveOtherCpuPercent) {
        List<String> problems(String which) {
            List<String> out = new ArrayList<>();
            check(out, which + " cores %", coresPercent, 1);
            check(out, which + " CPU time %", cpuTimePercent, 1);
            check(out, which + " memory %", memoryPercent, 1);
            check(out, which + " other programs' CPU %", suspendAboveOtherCpuPercent, 0);
            return out;
        }

        private static void check(List<String> out, String name, int value, int min) {
            if (value < min || value > 100) {
                out.add(name + ": " + value + " is not between " + min + " and 100");
            }
        }
    }

    /**
     * A daily window [start, end); start equal to end means all day; an end before the start wraps past midnight
     * (22:00-06:00).
     */
    public record TimeWindow(LocalTime start, LocalTime end) {
        public static final TimeWindow ALWAYS = new TimeWindow(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT);

        public TimeWindow {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
        }

        public boolean isAlways() {
            return start.equals(end);
        }

        public boolean contains(LocalTime t) {
            if (isAlways()) {
                return true;
            }
            return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
        }

        @Override
        public String toString() {
            return isAlways() ? "all day" : start + "-" + end;
        }
    }
}

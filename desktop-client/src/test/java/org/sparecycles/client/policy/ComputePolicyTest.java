package org.sparecycles.client.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparecycles.client.prefs.Preferences;

/**
 * "May I compute now, and if not why", from readings recorded on real machines: a Linux laptop under X11
 * (XScreenSaver idle, OSHI battery and load), the same laptop on battery, a Windows desktop at night.
 */
class ComputePolicyTest {
    /** Tuesday 14:30 in Zurich. */
    static final ZonedDateTime TUESDAY = ZonedDateTime.of(2026, 11, 24, 14, 30, 0, 0, ZoneId.of("Europe/Zurich"));
    static final Preferences IDLE_ONLY = Preferences.defaults();
    static final Preferences WHILE_IN_USE = Preferences.defaults().withComputeWhileInUse(true);
    static final Preferences OFFICE_HOURS = WHILE_IN_USE.withWindow(new Preferences.TimeWindow(LocalTime.of(8, 0),
            LocalTime.of(18, 0)), Map.of(DayOfWeek.TUESDAY, new Preferences.TimeWindow(LocalTime.of(22, 0),
            LocalTime.of(6, 0))));

    static Readings read(Duration idle, Boolean battery, double otherCpu) {
        return new Readings(TUESDAY, idle, battery, otherCpu);
    }

    static Stream<Arguments> cases() {
        Instant later = TUESDAY.toInstant().plusSeconds(3600);
        return Stream.of(
                Arguments.of("typing 12 s ago, idle-only", IDLE_ONLY, ActivityMode.PREFERENCES, null,
                        read(Duration.ofMillis(12_340), false, 3.5), false, "you used the computer 12 s ago"),
                Arguments.of("idle 3 min 10 s", IDLE_ONLY, ActivityMode.PREFERENCES, null,
                        read(Duration.ofSeconds(190), false, 2.0), true, "computer is idle"),
                Arguments.of("idle 5 min on battery", IDLE_ONLY, ActivityMode.PREFERENCES, null,
                        read(Duration.ofMinutes(5), true, 1.0), false, "on battery"),
                Arguments.of("desktop without battery", IDLE_ONLY, ActivityMode.PREFERENCES, null,
                        read(Duration.ofMinutes(5), null, 1.0), true, "computer is idle"),
                Arguments.of("in use, allowed while in use", WHILE_IN_USE, ActivityMode.PREFERENCES, null,
                        read(Duration.ofSeconds(1), false, 10), true, "computing while you use the computer"),
                Arguments.of("in use, compiler at 40% CPU, limit 25%", WHILE_IN_USE, ActivityMode.PREFERENCES, null,
                        read(Duration.ofSeconds(1), false, 40), false,
                        "other programs use 40% CPU (your limit: 25%)"),
                Arguments.of("idle, other load ignored when not in use", WHILE_IN_USE, ActivityMode.PREFERENCES, null,
                        read(Duration.ofMinutes(10), false, 90), true, "computer is idle"),
                Arguments.of("Tuesday override 22-06 at 14:30", OFFICE_HOURS, ActivityMode.PREFERENCES, null,
                        read(Duration.ofMinutes(10), false, 0), false, "outside your time window (22:00-06:00)"),
                Arguments.of("suspended by the volunteer", WHILE_IN_USE, ActivityMode.SUSPENDED, null,
                        read(Duration.ofMinutes(10), false, 0), false, "suspended by you"),
                Arguments.of("snoozed", WHILE_IN_USE, ActivityMode.PREFERENCES, later,
                        read(Duration.ofMinutes(10), false, 0), false, "snoozed until 15:30"),
                Arguments.of("run always on battery while typing", IDLE_ONLY, ActivityMode.ALWAYS, null,
                        read(Duration.ZERO, true, 95), true, "running always"),
                Arguments.of("Wayland without idle signal", IDLE_ONLY, ActivityMode.PREFERENCES, null,
                        read(null, false, 0), false, "this computer gives no input-idle signal; allow computing"
                                + " while in use, or choose Run always"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decidesFromRecordedReadings(String name, Preferences prefs, ActivityMode mode, Instant snooze,
                                     Readings readings, boolean allowed, String reason) {
        ComputeDecision d = ComputePolicy.decide(prefs, mode, snooze, readings);
        assertEquals(reason, d.reason());
        assertEquals(allowed, d.allowed());
    }

    @ParameterizedTest(name = "{0}% of {1} cores: {2}")
    @MethodSource("coreCases")
    void coresAreAShareOfTheLogicalCoresButAtLeastOne(int percent, int logical, int expected) {
        assertEquals(expected, ComputePolicy.cores(new Preferences.UsageLimits(percent, 100, 50, 0), logical));
    }

    static Stream<Arguments> coreCases() {
        return Stream.of(Arguments.of(100, 8, 8), Arguments.of(50, 8, 4), Arguments.of(50, 1, 1),
                Arguments.of(30, 4, 1), Arguments.of(75, 4, 3));
    }

    @ParameterizedTest(name = "{0}% at {1} ms: {2}")
    @MethodSource("dutyCases")
    void dutyCycleComputesForTheLimitsShareOfEachPeriod(int percent, long ms, boolean running) {
        assertEquals(running, DutyCycle.running(percent, Duration.ofMillis(ms)));
    }

    static Stream<Arguments> dutyCases() {
        return Stream.of(Arguments.of(100, 9_999, true), Arguments.of(60, 5_999, true), Arguments.of(60, 6_000, false),
                Arguments.of(60, 15_000, true), Arguments.of(10, 999, true), Arguments.of(10, 1_000, false));
    }
}

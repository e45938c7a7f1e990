package org.sparecycles.client.policy;

import java.time.Duration;

/**
 * The CPU time limit as BOINC applies it: within each period, compute for {@code percent} of it, then hold for
 * the rest. Pure: asks only whether a moment (time since the cycle's origin) falls in the running part.
 */
public final class DutyCycle {
    /** Length of one cycle: short enough to even out, long enough not to churn. */
    public static final Duration PERIOD = Duration.ofSeconds(10);

    private DutyCycle() {
    }

    /** True when tasks may compute at {@code sinceOrigin} under a limit of {@code percent} (100: always). */
    public static boolean running(int percent, Duration sinceOrigin) {
        if (percent >= 100) {
            return true;
        }
        long period = PERIOD.toMillis();
        long into = Math.floorMod(sinceOrigin.toMillis(), period);
        return into < period * Math.max(1, percent) / 100;
    }
}

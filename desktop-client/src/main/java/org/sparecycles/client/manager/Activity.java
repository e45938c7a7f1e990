package org.sparecycles.client.manager;

import java.time.Instant;
import org.sparecycles.client.policy.ActivityMode;
import org.sparecycles.client.prefs.Preferences;

/**
 * What the volunteer chose: preferences, activity mode, a snooze and whether to pause after checkpoints. The
 * manager holds the current one under its monitor and replaces it on every change.
 *
 * @param snoozeUntil null when not snoozed
 */
record Activity(Preferences prefs, ActivityMode mode, Instant snoozeUntil, boolean pauseAfterCheckpoint) {
    Activity withPreferences(Preferences p) {
        return new Activity(p, mode, snoozeUntil, pauseAfterCheckpoint);
    }

    /** A new mode ends a snooze and a pause after checkpoints. */
    Activity withMode(ActivityMode m) {
        return new Activity(prefs, m, null, false);
    }

    Activity snoozedUntil(Instant until) {
        return new Activity(prefs, mode, until, pauseAfterCheckpoint);
    }

    Activity pausedAfterCheckpoint() {
        return new Activity(prefs, ActivityMode.SUSPENDED, snoozeUntil, true);
    }
}

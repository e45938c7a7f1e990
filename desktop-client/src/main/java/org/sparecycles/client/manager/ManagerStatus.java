package org.sparecycles.client.manager;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.sparecycles.client.engine.EngineSnapshot;
import org.sparecycles.client.policy.ActivityMode;
import org.sparecycles.client.policy.ComputeDecision;

/**
 * Everything the desktop app shows, as one immutable value (see {@link ClientManager#status()}).
 *
 * @param hold       why computing is held now, null when it is not
 * @param inputIdle  time since the last input, null when unknown
 * @param idleSource which input-idle signal is used
 */
public record ManagerStatus(ActivityMode mode, Instant snoozeUntil, boolean pauseAfterCheckpoint,
                            ComputeDecision decision, String hold, Duration inputIdle, String idleSource,
                            List<Project> projects) {
    public ManagerStatus {
        projects = List.copyOf(projects);
    }

    /**
     * One attachment: its settings, its engine's latest snapshot, and the latest credit known.
     *
     * @param loginNeeded null normally; when the server refused the saved log-in, why (the app then asks for the
     *                    password, see {@link ClientManager#logIn})
     */
    public record Project(ProjectSettings settings, EngineSnapshot snapshot, CreditSample credit,
                          String loginNeeded) {
    }
}

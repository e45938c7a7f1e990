package org.sparecycles.client.policy;

import org.sparecycles.client.prefs.Preferences;

/**
 * The answer to "may I compute now, and if not why".
 *
 * @param allowed     true when tasks may compute
 * @param reason      for people: why not ("you used the computer 12 s ago", "on battery"), or why yes
 * @param userActive  whether the computer counts as in use (decides which limits apply)
 * @param limits      the limits that apply now
 */
public record ComputeDecision(boolean allowed, String reason, boolean userActive, Preferences.UsageLimits limits) {
}

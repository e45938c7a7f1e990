package org.sparecycles.client.policy;

/** The volunteer's main switch, as in BOINC Manager's Activity menu. */
public enum ActivityMode {
    /** Compute at all times, ignoring idleness, battery, time window and load (core limits still apply). */
    ALWAYS("Run always"),
    /** Compute when the preferences allow it. */
    PREFERENCES("Run based on preferences"),
    /** Never compute. */
    SUSPENDED("Suspend");

    private final String label;

    ActivityMode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}

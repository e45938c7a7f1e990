package org.sparecycles.server.lifecycle;

/**
 * Where a work unit stands. UNSENT: no replica sent yet. IN_PROGRESS: replicas out, quorum not reached.
 * VALIDATING: enough successful results for the validator, or a canonical result chosen and waiting for the
 * assimilator. DONE: canonical output merged into the batch. FAILED: too many errors or results; reason recorded.
 * Transitions only through {@link WorkUnitTransitions}.
 */
public enum WorkUnitState {
    UNSENT, IN_PROGRESS, VALIDATING, DONE, FAILED;

    /** True for DONE and FAILED, which nothing leaves. */
    public boolean isFinal() {
        return this == DONE || this == FAILED;
    }
}

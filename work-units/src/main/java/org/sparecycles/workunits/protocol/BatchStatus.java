package org.sparecycles.workunits.protocol;

import java.time.Instant;
import java.util.Map;

/**
 * A batch and its progress. {@code state}: {@code IN_PROGRESS}, {@code DONE} (every work unit merged or
 * failed), {@code ABORTED}. {@code workUnitsByState} counts work units by {@code UNSENT, IN_PROGRESS,
 * VALIDATING, DONE, FAILED}; {@code resultsByState} counts results by server state and outcome.
 * {@code completed} is null until done.
 */
public record BatchStatus(long id, long projectId, String name, String app, String appVersion,
                          Map<String, String> parameters, String state, int files, int workUnits,
                          Map<String, Integer> workUnitsByState, Map<String, Integer> resultsByState,
                          double fractionDone, Instant created, Instant completed) implements ProtocolMessage {
    public BatchStatus {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        workUnitsByState = workUnitsByState == null ? Map.of() : Map.copyOf(workUnitsByState);
        resultsByState = resultsByState == null ? Map.of() : Map.copyOf(resultsByState);
    }
}

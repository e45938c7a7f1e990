package org.sparecycles.client.worker;

import java.util.List;
import java.util.Map;

/**
 * What a worker computes, written by the client to {@code task.json} in the slot before the worker starts.
 *
 * @param inputs        the input files in work-unit order, as paths in the client's cache
 * @param faultInjection test only: {@code none} or {@code wrong-results}
 * @param taskDelayMs   test only: pause after each input file, in milliseconds
 * @param checkpointIntervalMs least time between two checkpoints, from the start of this run (the volunteer's
 *                      preference, as BOINC's "checkpoint at most every"); 0 (also when absent from an older
 *                      {@code task.json}): after every input file
 */
public record WorkerTask(long resultId, String resultName, String app, String appVersion,
                         Map<String, String> parameters, List<Input> inputs, String faultInjection,
                         long taskDelayMs, long checkpointIntervalMs) {
    public WorkerTask {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        faultInjection = faultInjection == null ? "none" : faultInjection;
        checkpointIntervalMs = Math.max(0, checkpointIntervalMs);
    }

    /** A task that checkpoints after every input file. */
    public WorkerTask(long resultId, String resultName, String app, String appVersion, Map<String, String> parameters,
                      List<Input> inputs, String faultInjection, long taskDelayMs) {
        this(resultId, resultName, app, appVersion, parameters, inputs, faultInjection, taskDelayMs, 0);
    }

    /** An input file: the name the app sees and where its bytes are. */
    public record Input(String name, String path) {
    }
}

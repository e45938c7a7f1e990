package org.sparecycles.client.worker;

import java.util.List;
import java.util.Map;

/**
 * What a worker computes, written by the client to {@code task.json} in the slot before the worker starts.
 *
 * @param inputs        the input files in work-unit order, as paths in the client's cache
 * @param faultInjection test only: {@code none} or {@code wrong-results}
 * @param taskDelayMs   test only: pause after each input file, in milliseconds
 */
public record WorkerTask(long resultId, String resultName, String app, String appVersion,
                         Map<String, String> parameters, List<Input> inputs, String faultInjection,
                         long taskDelayMs) {
    public WorkerTask {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        faultInjection = faultInjection == null ? "none" : faultInjection;
    }

    /** An input file: the name the app sees and where its bytes are. */
    public record Input(String name, String path) {
    }
}

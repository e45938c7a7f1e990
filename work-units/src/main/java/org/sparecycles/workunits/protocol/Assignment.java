package org.sparecycles.workunits.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One result for a host to compute: the app and its checked parameters, the inputs, the deadline, the largest
 * output the server will take, the memory the task may use, and where to upload the output (relative URL).
 */
public record Assignment(long resultId, String resultName, long workUnitId, String app, String appVersion,
                         Map<String, String> parameters, List<InputRef> inputs, Instant deadline,
                         long maxOutputBytes, long memoryBoundBytes, double estimatedSeconds, String uploadUrl)
        implements ProtocolMessage {
    public Assignment {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }
}

package org.sparecycles.workunits.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One result for a host to compute: the app and its checked parameters, the inputs, the deadline, the largest
 * output the server will take, the memory the task may use, and where to upload the output (relative URL).
 * {@code signature} is the project key's Ed25519 signature (base64) of everything else but
 * {@code estimatedSeconds}, as {@link org.sparecycles.workunits.signing.AssignmentSignatures} lays it out; clients
 * refuse an assignment whose signature is missing or does not verify with the key they pinned.
 */
public record Assignment(long resultId, String resultName, long workUnitId, String app, String appVersion,
                         Map<String, String> parameters, List<InputRef> inputs, Instant deadline,
                         long maxOutputBytes, long memoryBoundBytes, double estimatedSeconds, String uploadUrl,
                         String signature)
        implements ProtocolMessage {
    public Assignment {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }

    /** An unsigned assignment; sign it with {@code AssignmentSignatures.sign} before sending. */
    public Assignment(long resultId, String resultName, long workUnitId, String app, String appVersion,
                      Map<String, String> parameters, List<InputRef> inputs, Instant deadline, long maxOutputBytes,
                      long memoryBoundBytes, double estimatedSeconds, String uploadUrl) {
        this(resultId, resultName, workUnitId, app, appVersion, parameters, inputs, deadline, maxOutputBytes,
                memoryBoundBytes, estimatedSeconds, uploadUrl, null);
    }

    /** This assignment with the given signature (base64). */
    public Assignment withSignature(String signature) {
        return new Assignment(resultId, resultName, workUnitId, app, appVersion, parameters, inputs, deadline,
                maxOutputBytes, memoryBoundBytes, estimatedSeconds, uploadUrl, signature);
    }
}

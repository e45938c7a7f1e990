package org.sparecycles.workunits.protocol;

import java.util.Map;

/**
 * The JSON part (named {@code batch}) of a multipart {@code POST /api/v1/batches}; the image files (or one zip
 * of them) come as further parts. {@code policy} may be null (defaults), {@code filesPerWorkUnit} 0 means 1.
 */
public record BatchSubmission(long projectId, String name, String app, Map<String, String> parameters,
                              RedundancyPolicy policy, int filesPerWorkUnit) implements ProtocolMessage {
    public BatchSubmission {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }
}

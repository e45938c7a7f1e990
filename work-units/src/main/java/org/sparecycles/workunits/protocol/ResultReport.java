package org.sparecycles.workunits.protocol;

/**
 * A finished result, in a scheduler request. {@code outcome}: {@code SUCCESS} (output uploaded first, with this
 * hash and size) or {@code CLIENT_ERROR} (with {@code errorMessage}). Reporting the same result twice is
 * harmless.
 */
public record ResultReport(long resultId, String outcome, String outputSha256, long outputSize, double cpuSeconds,
                           double elapsedSeconds, String errorMessage) implements ProtocolMessage {

    public static final String SUCCESS = "SUCCESS";
    public static final String CLIENT_ERROR = "CLIENT_ERROR";
}

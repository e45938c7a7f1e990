package org.sparecycles.workunits.protocol;

/** Answer to an output upload: what the server stored. */
public record UploadReceipt(long resultId, String sha256, long size) implements ProtocolMessage {
}

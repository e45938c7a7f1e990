package org.sparecycles.workunits.protocol;

/** {@code GET /api/v1/health}: {@code status} is {@code ok} when the database answers. */
public record HealthStatus(String status, String version, long uptimeSeconds) implements ProtocolMessage {
}

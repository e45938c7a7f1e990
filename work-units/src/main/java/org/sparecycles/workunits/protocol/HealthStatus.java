package org.sparecycles.workunits.protocol;

/**
 * {@code GET /api/v1/health}: {@code status} is {@code ok} when the database answers and its writes end, otherwise
 * {@code unavailable} (with status 503).
 */
public record HealthStatus(String status, String version, long uptimeSeconds) implements ProtocolMessage {
}

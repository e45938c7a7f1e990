package org.sparecycles.workunits.protocol;

/** {@code POST /api/v1/projects} (researcher): the name and description volunteers see. */
public record CreateProjectRequest(String name, String description) implements ProtocolMessage {
}

package org.sparecycles.workunits.protocol;

/** Answer to host registration: the host's id for every later scheduler request. */
public record HostRegistered(long hostId) implements ProtocolMessage {
}

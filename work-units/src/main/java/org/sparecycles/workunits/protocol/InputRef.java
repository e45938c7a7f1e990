package org.sparecycles.workunits.protocol;

/** An input file of an assignment: its name, where to get it (relative to the server URL), size and hash. */
public record InputRef(String name, String url, long size, String sha256) implements ProtocolMessage {
}

package org.sparecycles.workunits.protocol;

/**
 * {@code POST /api/v1/hosts}: a volunteer machine as the client measured it. {@code benchmarkGflops} is the
 * client's own floating-point benchmark (billions of operations per second per core), the base of credit.
 */
public record HostRegistration(String name, String osName, String osVersion, String cpuModel, int cores,
                               long memoryBytes, double benchmarkGflops, String clientVersion)
        implements ProtocolMessage {
}

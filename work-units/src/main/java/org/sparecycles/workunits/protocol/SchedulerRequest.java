package org.sparecycles.workunits.protocol;

import java.util.List;

/**
 * {@code POST /api/v1/scheduler}: reports finished results and asks for {@code workSeconds} of new work (0 asks
 * for none). {@code inProgress} lists results the host still holds, so the server can tell lost ones.
 */
public record SchedulerRequest(long hostId, List<ResultReport> reports, double workSeconds, List<Long> inProgress)
        implements ProtocolMessage {
    public SchedulerRequest {
        reports = reports == null ? List.of() : List.copyOf(reports);
        inProgress = inProgress == null ? List.of() : List.copyOf(inProgress);
    }
}

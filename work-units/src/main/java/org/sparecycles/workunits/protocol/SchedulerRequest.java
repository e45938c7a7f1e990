package org.sparecycles.workunits.protocol;

import java.util.List;

/**
 * {@code POST /api/v1/scheduler}: reports finished results and asks for {@code workSeconds} of new work (0 asks
 * for none). {@code inProgress} lists results the host still holds, so the server can tell lost ones.
 * {@code projects} names the project ids the volunteer joined; work comes only from those (empty or absent: any
 * project, as older clients expect). {@code signedTogether}: the client checks one signature over all the reply's
 * assignments ({@link SchedulerReply#assignmentsSignature()}); false or absent (older clients): each assignment
 * is signed on its own. {@code resync}: the client may have missed a reply (it has just started, or its last request
 * got no answer), so the server compares {@code inProgress} with what it sent and sends lost results again; false or
 * absent (older clients): the server compares only on the host's first request for work since the server started.
 */
public record SchedulerRequest(long hostId, List<ResultReport> reports, double workSeconds, List<Long> inProgress,
                               List<Long> projects, boolean signedTogether, boolean resync)
        implements ProtocolMessage {
    public SchedulerRequest {
        reports = reports == null ? List.of() : List.copyOf(reports);
        inProgress = inProgress == null ? List.of() : List.copyOf(inProgress);
        projects = projects == null ? List.of() : List.copyOf(projects);
    }

    /** A request that does not ask the server to compare what the host holds. */
    public SchedulerRequest(long hostId, List<ResultReport> reports, double workSeconds, List<Long> inProgress,
                            List<Long> projects, boolean signedTogether) {
        this(hostId, reports, workSeconds, inProgress, projects, signedTogether, false);
    }

    /** A request whose assignments are each signed on their own. */
    public SchedulerRequest(long hostId, List<ResultReport> reports, double workSeconds, List<Long> inProgress,
                            List<Long> projects) {
        this(hostId, reports, workSeconds, inProgress, projects, false);
    }

    /** A request that takes work from any project. */
    public SchedulerRequest(long hostId, List<ResultReport> reports, double workSeconds, List<Long> inProgress) {
        this(hostId, reports, workSeconds, inProgress, List.of());
    }
}

package org.sparecycles.workunits.protocol;

import java.time.Instant;
import java.util.List;

/**
 * Answer to a scheduler request: new assignments, the ids of reports accepted (including repeats), results the
 * host should drop ({@code cancelled}: the work unit no longer needs them), messages for the event log, how
 * many seconds to wait before the next request, and the server's clock when it answered ({@code serverTime};
 * null from servers before it was added). Clients measure deadlines against the server's clock: a deadline is
 * {@code deadline - serverTime} after the reply arrived, whatever the client's own clock says.
 * {@code assignmentsSignature}: the project key's signature over all the assignments together, when the request
 * asked for it ({@link SchedulerRequest#signedTogether()}) and there are any; the assignments then carry none of
 * their own. Null otherwise: each assignment carries its own (see {@code AssignmentSignatures}).
 */
public record SchedulerReply(List<Assignment> assignments, List<Long> acknowledged, List<Long> cancelled,
                             List<String> messages, long requestDelaySeconds, Instant serverTime,
                             String assignmentsSignature)
        implements ProtocolMessage {
    public SchedulerReply {
        assignments = assignments == null ? List.of() : List.copyOf(assignments);
        acknowledged = acknowledged == null ? List.of() : List.copyOf(acknowledged);
        cancelled = cancelled == null ? List.of() : List.copyOf(cancelled);
        messages = messages == null ? List.of() : List.copyOf(messages);
    }

    /** A reply whose assignments carry their own signatures (or none yet). */
    public SchedulerReply(List<Assignment> assignments, List<Long> acknowledged, List<Long> cancelled,
                          List<String> messages, long requestDelaySeconds, Instant serverTime) {
        this(assignments, acknowledged, cancelled, messages, requestDelaySeconds, serverTime, null);
    }

    /** A reply without the server's time. */
    public SchedulerReply(List<Assignment> assignments, List<Long> acknowledged, List<Long> cancelled,
                          List<String> messages, long requestDelaySeconds) {
        this(assignments, acknowledged, cancelled, messages, requestDelaySeconds, null);
    }
}

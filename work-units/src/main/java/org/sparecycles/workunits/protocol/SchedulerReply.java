package org.sparecycles.workunits.protocol;

import java.util.List;

/**
 * Answer to a scheduler request: new assignments, the ids of reports accepted (including repeats), results the
 * host should drop ({@code cancelled}: the work unit no longer needs them), messages for the event log, and how
 * many seconds to wait before the next request.
 */
public record SchedulerReply(List<Assignment> assignments, List<Long> acknowledged, List<Long> cancelled,
                             List<String> messages, long requestDelaySeconds) implements ProtocolMessage {
    public SchedulerReply {
        assignments = assignments == null ? List.of() : List.copyOf(assignments);
        acknowledged = acknowledged == null ? List.of() : List.copyOf(acknowledged);
        cancelled = cancelled == null ? List.of() : List.copyOf(cancelled);
        messages = messages == null ? List.of() : List.copyOf(messages);
    }
}

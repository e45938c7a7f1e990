package org.sparecycles.client.events;

import java.time.Instant;

/**
 * One line of the event log: when, which server it concerns ({@code client} for the client itself) and what
 * happened, in words for volunteers.
 */
public record ClientEvent(Instant time, String source, String message) {

    /** The line as written to {@code events.log} and stdout: {@code <instant> [<source>] <message>}. */
    public String line() {
        return time + " [" + source + "] " + message;
    }
}

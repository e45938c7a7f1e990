package org.sparecycles.server.error;

import java.util.List;

/** A malformed request or invalid input (HTTP 400); {@link #problems()} lists every problem, each naming the field, parameter or file. */
public final class InvalidRequestException extends ServerException {
    public InvalidRequestException(String error, String detail) {
        super(error, detail, List.of());
    }

    public InvalidRequestException(String error, String detail, List<String> problems) {
        super(error, detail, problems);
    }

    /** Throws when problems were found, with all of them. */
    public static void throwIfAny(String error, String detail, List<String> problems) {
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(error, detail + ": " + String.join("; ", problems), problems);
        }
    }
}

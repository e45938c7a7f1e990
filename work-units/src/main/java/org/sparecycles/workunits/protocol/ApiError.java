package org.sparecycles.workunits.protocol;

import java.util.List;

/**
 * The body of every error response: a short machine-friendly {@code error} (e.g. {@code invalid_batch}), a
 * sentence for people in {@code detail}, and for validation failures every problem in {@code problems}.
 */
public record ApiError(String error, String detail, List<String> problems) implements ProtocolMessage {
    public ApiError {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    public ApiError(String error, String detail) {
        this(error, detail, List.of());
    }
}

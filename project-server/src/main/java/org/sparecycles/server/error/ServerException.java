package org.sparecycles.server.error;

import java.util.List;

/**
 * A request the server refuses, thrown by services and turned into an {@code ApiError} response in one place
 * ({@code web.ErrorResponses}). {@link #error()} is the short machine-friendly code, the message the sentence
 * for people, {@link #problems()} every problem found (validation collects all before throwing).
 */
public abstract sealed class ServerException extends RuntimeException
        permits InvalidRequestException, UnauthenticatedException, ForbiddenException, NotFoundException,
        ConflictException, PayloadTooLargeException, TooManyRequestsException {
    private final String error;
    private final transient List<String> problems;

    protected ServerException(String error, String detail, List<String> problems) {
        super(detail);
        this.error = error;
        this.problems = List.copyOf(problems);
    }

    public String error() {
        return error;
    }

    public List<String> problems() {
        return problems;
    }
}

package org.sparecycles.server.error;

import java.util.List;

/** The request conflicts with the current state, e.g. an upload for a result that is over (HTTP 409). */
public final class ConflictException extends ServerException {
    public ConflictException(String error, String detail) {
        super(error, detail, List.of());
    }

}

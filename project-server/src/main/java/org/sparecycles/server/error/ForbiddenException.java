package org.sparecycles.server.error;

import java.util.List;

/** The caller lacks the role or ownership needed (HTTP 403). */
public final class ForbiddenException extends ServerException {
    public ForbiddenException(String error, String detail) {
        super(error, detail, List.of());
    }

}

package org.sparecycles.server.error;

import java.util.List;

/** No such id (HTTP 404). */
public final class NotFoundException extends ServerException {
    public NotFoundException(String error, String detail) {
        super(error, detail, List.of());
    }

}

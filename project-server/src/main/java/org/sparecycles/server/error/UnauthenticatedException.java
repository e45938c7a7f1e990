package org.sparecycles.server.error;

import java.util.List;

/** No or unknown authenticator (HTTP 401). */
public final class UnauthenticatedException extends ServerException {
    public UnauthenticatedException(String error, String detail) {
        super(error, detail, List.of());
    }

}

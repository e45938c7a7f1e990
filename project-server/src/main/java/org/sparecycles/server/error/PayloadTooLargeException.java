package org.sparecycles.server.error;

import java.util.List;

/** The body is larger than allowed (HTTP 413). */
public final class PayloadTooLargeException extends ServerException {
    public PayloadTooLargeException(String error, String detail) {
        super(error, detail, List.of());
    }

}

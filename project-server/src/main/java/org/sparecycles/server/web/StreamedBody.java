package org.sparecycles.server.web;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;

/** A response body written as it is made, for bodies that may be larger than the heap. */
@FunctionalInterface
public interface StreamedBody {
    void writeTo(OutputStream out) throws IOException;

    /**
     * Answers with the body, chunked (no length known beforehand). Check everything that can fail with an error
     * status before: once the body has started, a failure can only cut the response short.
     */
    static void send(HttpServerExchange exchange, int status, String contentType, StreamedBody body)
            throws IOException {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        body.writeTo(exchange.getOutputStream());
        exchange.endExchange();
    }
}

package org.sparecycles.server.web;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.ApiError;

/**
 * Bounds the requests the server works on at once. A request over the bound is answered at once, on the I/O
 * thread, with 503 and {@code Retry-After}, instead of waiting in the worker pool's queue until the client gives
 * up. A request holds its permit until its exchange completes (response sent or connection lost).
 */
public final class OverloadGuard implements HttpHandler {
    private final HttpHandler next;
    private final Semaphore permits;
    private final int limit;
    private final long retryAfterSeconds;

    /**
     * @param limit             requests worked on at once, at least 1
     * @param retryAfterSeconds what the 503 answer's {@code Retry-After} says, at least 1
     */
    public OverloadGuard(HttpHandler next, int limit, long retryAfterSeconds) {
        if (limit < 1 || retryAfterSeconds < 1) {
            throw new IllegalArgumentException("limit " + limit + " and retry-after " + retryAfterSeconds
                    + " must be at least 1");
        }
        this.next = next;
        this.permits = new Semaphore(limit);
        this.limit = limit;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!permits.tryAcquire()) {
            refuse(exchange);
            return;
        }
        exchange.addExchangeCompleteListener((done, nextListener) -> {
            permits.release();
            nextListener.proceed();
        });
        next.handleRequest(exchange);
    }

    private void refuse(HttpServerExchange exchange) throws java.io.IOException {
        exchange.setStatusCode(503);
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, retryAfterSeconds);
        String detail = "the server is busy (" + limit + " requests under way); try again in " + retryAfterSeconds
                + " s";
        if (exchange.getRequestPath().startsWith(Routes.API + "/")) {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
            exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(
                    Json.mapper().writeValueAsBytes(new ApiError("overloaded", detail))));
        } else {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getResponseSender().send(detail + "\n", StandardCharsets.UTF_8);
        }
    }
}

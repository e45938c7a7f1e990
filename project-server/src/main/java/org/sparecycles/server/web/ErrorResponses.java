package org.sparecycles.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.handlers.form.MultiPartParserDefinition;
import io.undertow.util.Headers;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparecycles.server.error.ConflictException;
import org.sparecycles.server.error.ForbiddenException;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.server.error.NotFoundException;
import org.sparecycles.server.error.PayloadTooLargeException;
import org.sparecycles.server.error.ServerException;
import org.sparecycles.server.error.TooManyRequestsException;
import org.sparecycles.server.error.UnauthenticatedException;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.ApiError;

/** The one place where exceptions become {@link ApiError} responses with their HTTP status. */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    /** The HTTP status for a refusal; the web pages use the same mapping. */
    public static int status(ServerException e) {
        if (e instanceof InvalidRequestException) {
            return 400;
        } else if (e instanceof UnauthenticatedException) {
            return 401;
        } else if (e instanceof ForbiddenException) {
            return 403;
        } else if (e instanceof NotFoundException) {
            return 404;
        } else if (e instanceof ConflictException) {
            return 409;
        } else if (e instanceof PayloadTooLargeException) {
            return 413;
        } else if (e instanceof TooManyRequestsException) {
            return 429;
        }
        return 500;
    }

    /** Answers the exchange with the error the throwable stands for. */
    static void send(HttpServerExchange exchange, Throwable t) {
        int status;
        ApiError body;
        if (t instanceof ServerException e) {
            status = status(e);
            body = new ApiError(e.error(), e.getMessage(), e.problems());
            if (e instanceof TooManyRequestsException tooMany && !exchange.isResponseStarted()) {
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, tooMany.retryAfterSeconds());
            }
        } else if (t instanceof JsonProcessingException e) {
            status = 400;
            String detail = describe(e);
            body = new ApiError("malformed_json", detail, List.of(detail));
        } else if (t instanceof RequestTooBigException || t instanceof MultiPartParserDefinition.FileTooLargeException) {
            status = 413;
            body = new ApiError("too_large", "the request body is larger than allowed: " + t.getMessage());
        } else if (diskFull(t) != null) {
            status = 507;
            LOG.error("{} {}: the disk is full: {}", exchange.getRequestMethod(), exchange.getRequestPath(),
                    diskFull(t).getMessage());
            body = new ApiError("insufficient_storage", "the server's disk is full (" + diskFull(t).getMessage()
                    + "); nothing was stored, try again later");
            if (!exchange.isResponseStarted()) {
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, 60);
            }
        } else {
            status = 500;
            LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), t);
            body = new ApiError("internal_error", "the server failed to handle the request; see its log");
        }
        if (exchange.isResponseStarted()) {
            LOG.warn("{} {}: error after the response started: {}", exchange.getRequestMethod(),
                    exchange.getRequestPath(), t.toString());
            exchange.endExchange();
            return;
        }
        write(exchange, status, body);
    }

    /** The I/O error in the cause chain that says the disk is full (Linux, macOS, Windows wording), or null. */
    static java.io.IOException diskFull(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.io.IOException io && io.getMessage() != null
                    && (io.getMessage().contains("No space left on device")
                    || io.getMessage().contains("not enough space on the disk"))) {
                return io;
            }
        }
        return null;
    }

    /** "malformed JSON at line L, column C: what" without Jackson's source excerpts. */
    public static String describe(JsonProcessingException e) {
        String what = String.valueOf(e.getOriginalMessage())
                .replaceAll("\\s*\\(start marker at \\[Source.*?\\]\\)", "")
                .replaceAll("\\s*at \\[Source.*", "")
                .replaceAll("\\s*\\(set DeserializationConfig.*?\\)", "")
                .replaceAll("\\s+", " ").trim();
        return e.getLocation() == null ? "malformed JSON: " + what
                : "malformed JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                        + ": " + what;
    }

    /** The most of a refused request's unread body read and thrown away so the client gets the answer. */
    static final long DRAIN_LIMIT = 32L << 20;

    /**
     * Reads and discards the rest of a refused request's body, up to {@link #DRAIN_LIMIT}; true when all of it was
     * read. A client still sending its body when the server answers and closes may never see the answer: closing
     * a socket with unread data resets the connection, and the reset can overtake the response. Reading the rest
     * first lets the answer arrive (and the connection stay open).
     */
    private static boolean drained(HttpServerExchange exchange) {
        long declared = exchange.getRequestContentLength();
        if (!exchange.isBlocking() || declared > DRAIN_LIMIT) {
            return false;
        }
        try {
            java.io.InputStream in = exchange.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long left = DRAIN_LIMIT;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                left -= n;
                if (left < 0) {
                    return false;
                }
            }
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    static void write(HttpServerExchange exchange, int status, ApiError body) {
        try {
            byte[] bytes = Json.mapper().writeValueAsBytes(body);
            if (!exchange.isRequestComplete() && !drained(exchange)) {
                // refused before the body was read (too large, wrong hash...) and too much of it is left to read:
                // close the connection rather than leave the rest to be read as the next request
                exchange.setPersistent(false);
            }
            exchange.setStatusCode(status);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
            exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
            exchange.getOutputStream().write(bytes);
            exchange.endExchange();
        } catch (java.io.IOException e) {
            LOG.debug("could not send error response: {}", e.toString());
            exchange.endExchange();
        }
    }
}

package org.sparecycles.client.net;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.ApiError;

/**
 * The server answered with an error status. Carries the status and the parsed {@link ApiError}; when the body
 * was not an {@code ApiError} (a proxy's HTML page, say), the error is {@code http_<status>} and the detail is
 * the start of the body.
 */
public final class ApiException extends Exception {
    private static final int MAX_DETAIL = 200;

    private final int status;
    private final ApiError error;
    private final Duration retryAfter;

    public ApiException(int status, ApiError error) {
        this(status, error, null);
    }

    /** @param retryAfter what the server's {@code Retry-After} asked for; null when it sent none */
    public ApiException(int status, ApiError error, Duration retryAfter) {
        super(describe(status, error));
        this.status = status;
        this.error = error;
        this.retryAfter = retryAfter;
    }

    /** Parses an error response body; never fails. */
    public static ApiException fromResponse(int status, byte[] body) {
        return new ApiException(status, parse(status, body));
    }

    /**
     * Parses an error response body and its {@code Retry-After} header (seconds or an HTTP date, relative to
     * {@code now}); never fails.
     */
    public static ApiException fromResponse(int status, byte[] body, Optional<String> retryAfterHeader,
                                            Instant now) {
        return new ApiException(status, parse(status, body), retryAfterHeader.flatMap(h -> retryAfter(h, now))
                .orElse(null));
    }

    /** A {@code Retry-After} value: delta seconds or an HTTP date; empty when unreadable; never negative. */
    static Optional<Duration> retryAfter(String header, Instant now) {
        String v = header.strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    static ApiError parse(int status, byte[] body) {
        String fallback = "http_" + status;
        if (body == null || body.length == 0) {
            return new ApiError(fallback, "no details from the server");
        }
        try {
            JsonNode tree = Json.mapper().readTree(body);
            if (tree != null && tree.isObject() && tree.hasNonNull("error")) {
                ApiError parsed = Json.mapper().treeToValue(tree, ApiError.class);
                return new ApiError(parsed.error(), parsed.detail() == null ? "" : parsed.detail(),
                        parsed.problems());
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            // not JSON: fall through to the raw text
        }
        String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        if (text.length() > MAX_DETAIL) {
            text = text.substring(0, MAX_DETAIL) + "...";
        }
        return new ApiError(fallback, text);
    }

    private static String describe(int status, ApiError error) {
        StringBuilder sb = new StringBuilder("HTTP ").append(status).append(' ').append(error.error());
        if (error.detail() != null && !error.detail().isEmpty()) {
            sb.append(": ").append(error.detail());
        }
        if (!error.problems().isEmpty()) {
            sb.append(' ').append(error.problems());
        }
        return sb.toString();
    }

    /** How long the server asked the client to wait ({@code Retry-After}), if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public int status() {
        return status;
    }

    public ApiError error() {
        return error;
    }

    /** 5xx and 429: worth retrying later with backoff. 4xx: the request itself is wrong. */
    public boolean isRetryable() {
        return status >= 500 || status == 429 || status == 408;
    }
}

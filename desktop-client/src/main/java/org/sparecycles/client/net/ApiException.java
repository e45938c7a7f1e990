package org.sparecycles.client.net;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
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

    public ApiException(int status, ApiError error) {
        super(describe(status, error));
        this.status = status;
        this.error = error;
    }

    /** Parses an error response body; never fails. */
    public static ApiException fromResponse(int status, byte[] body) {
        return new ApiException(status, parse(status, body));
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

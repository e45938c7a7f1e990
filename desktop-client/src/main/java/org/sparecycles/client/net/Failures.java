package org.sparecycles.client.net;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/** Short words for why a request failed, for the event log ("connection refused"). */
public final class Failures {
    private Failures() {
    }

    public static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ApiException) {
                return c.getMessage();
            }
            if (c instanceof SocketTimeoutException) { // HttpURLConnection's: "Connect timed out", "Read timed out"
                String m = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
                return m.contains("connect") ? "connection timed out" : "request timed out";
            }
            if (c instanceof ConnectException) {
                return "connection refused";
            }
            if (c instanceof UnknownHostException) {
                return "unknown host " + c.getMessage();
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                return c.getMessage();
            }
        }
        return t.getClass().getSimpleName();
    }

    /** How long the server asked to wait before the next try ({@code Retry-After} of a 503 or 429), if it did. */
    public static java.util.Optional<java.time.Duration> retryAfter(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ApiException api) {
                return api.retryAfter();
            }
        }
        return java.util.Optional.empty();
    }

    /** True for failures worth retrying with backoff: transport errors, 5xx, 429. */
    public static boolean isRetryable(Throwable t) {
        if (t instanceof ApiException api) {
            return api.isRetryable();
        }
        return t instanceof java.io.IOException;
    }
}

package org.sparecycles.client.engine;

/**
 * Why an engine gave up on its own: what {@link ClientEngine#terminated()} completes exceptionally with. The
 * message is the one the event log shows after {@code fatal: }, e.g. {@code cannot attach: HTTP 401
 * wrong_credentials: ...}. The cause is the failure that made the engine give up, null when there was none (a
 * decision of the engine's own, such as refusing a changed project key); when the server refused a request it is
 * the {@link org.sparecycles.client.net.ApiException}, whose status tells why (401: the log-in or the saved
 * authenticator was refused).
 */
public final class EngineFailedException extends Exception {
    /**
     * @param message what the engine logged after {@code fatal: }
     * @param cause   the failure that made it give up; null when there was none
     */
    public EngineFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

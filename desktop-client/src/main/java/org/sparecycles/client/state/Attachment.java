package org.sparecycles.client.state;

import java.util.Objects;

/**
 * The client's attachment to a server: which server, which account, and the authenticator that proves it.
 *
 * @param hostId          the host's id on that server, 0 until registered
 * @param benchmarkGflops the benchmark sent at registration, GFLOPS per core
 * @param projectKey      the server's Ed25519 project key (base64), pinned when attaching; null until pinned.
 *                        Every assignment must carry a signature that verifies with it.
 */
public record Attachment(String serverUrl, long accountId, String email, String authenticator, long hostId,
                         double benchmarkGflops, String projectKey) {
    public Attachment {
        Objects.requireNonNull(serverUrl, "serverUrl");
        Objects.requireNonNull(authenticator, "authenticator");
    }

    /** An attachment whose project key is not pinned yet (it is pinned at the engine's next start). */
    public Attachment(String serverUrl, long accountId, String email, String authenticator, long hostId,
                      double benchmarkGflops) {
        this(serverUrl, accountId, email, authenticator, hostId, benchmarkGflops, null);
    }

    public boolean isRegistered() {
        return hostId > 0;
    }

    public Attachment withHost(long id, double gflops) {
        return new Attachment(serverUrl, accountId, email, authenticator, id, gflops, projectKey);
    }

    public Attachment withProjectKey(String key) {
        return new Attachment(serverUrl, accountId, email, authenticator, hostId, benchmarkGflops, key);
    }

    @Override
    public String toString() {
        return "Attachment[serverUrl=" + serverUrl + ", accountId=" + accountId + ", email=" + email
                + ", hostId=" + hostId + ", projectKey=" + (projectKey == null ? "none" : "pinned") + "]";
    }
}

package org.sparecycles.client.state;

import java.util.Objects;

/**
 * The client's attachment to a server: which server, which account, and the authenticator that proves it.
 *
 * @param hostId          the host's id on that server, 0 until registered
 * @param benchmarkGflops the benchmark sent at registration, GFLOPS per core
 */
public record Attachment(String serverUrl, long accountId, String email, String authenticator, long hostId,
                         double benchmarkGflops) {
    public Attachment {
        Objects.requireNonNull(serverUrl, "serverUrl");
        Objects.requireNonNull(authenticator, "authenticator");
    }

    public boolean isRegistered() {
        return hostId > 0;
    }

    public Attachment withHost(long id, double gflops) {
        return new Attachment(serverUrl, accountId, email, authenticator, id, gflops);
    }

    @Override
    public String toString() {
        return "Attachment[serverUrl=" + serverUrl + ", accountId=" + accountId + ", email=" + email
                + ", hostId=" + hostId + "]";
    }
}

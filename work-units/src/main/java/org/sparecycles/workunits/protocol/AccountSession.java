package org.sparecycles.workunits.protocol;

import java.util.List;

/**
 * Answer to account creation and log-in. {@code authenticator} goes into later requests as
 * {@code Authorization: Bearer <authenticator>}. Roles: {@code volunteer}, {@code researcher}, {@code admin}.
 */
public record AccountSession(long accountId, String email, String name, List<String> roles, String authenticator)
        implements ProtocolMessage {
    public AccountSession {
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    @Override
    public String toString() {
        return "AccountSession[accountId=" + accountId + ", email=" + email + ", roles=" + roles + "]";
    }
}

package org.sparecycles.workunits.protocol;

/** {@code POST /api/v1/accounts/login}. */
public record LoginRequest(String email, String password) implements ProtocolMessage {
    @Override
    public String toString() {
        return "LoginRequest[email=" + email + "]";
    }
}

package org.sparecycles.workunits.protocol;

/** {@code POST /api/v1/accounts}: a new volunteer account. Roles beyond volunteer are granted by an admin. */
public record CreateAccountRequest(String email, String password, String name) implements ProtocolMessage {
    @Override
    public String toString() {
        return "CreateAccountRequest[email=" + email + ", name=" + name + "]";
    }
}

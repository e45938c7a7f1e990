package org.sparecycles.server.accounts;

import java.util.Locale;
import java.util.Optional;

/** What an account may do. Every account is a volunteer; an admin may do everything a researcher may. */
public enum Role {
    VOLUNTEER, RESEARCHER, ADMIN;

    /** The lower-case name used in the protocol ({@code volunteer}, ...). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role with this protocol name, if any. */
    public static Optional<Role> fromWire(String name) {
        for (Role r : values()) {
            if (r.wireName().equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}

package org.sparecycles.server.accounts;

import java.util.Set;
import org.sparecycles.server.error.ForbiddenException;

/** The authenticated account behind a request. Immutable. */
public record Caller(long accountId, String email, Set<Role> roles) {
    public Caller {
        roles = Set.copyOf(roles);
    }

    /** True when the account holds the role; admins hold every role. */
    public boolean has(Role role) {
        return roles.contains(role) || roles.contains(Role.ADMIN);
    }

    public boolean isAdmin() {
        return roles.contains(Role.ADMIN);
    }

    /** @throws ForbiddenException when the account lacks the role */
    public void require(Role role) {
        if (!has(role)) {
            throw new ForbiddenException("forbidden", "this needs the " + role.wireName() + " role");
        }
    }
}

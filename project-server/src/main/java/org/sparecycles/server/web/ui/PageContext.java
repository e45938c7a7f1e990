package org.sparecycles.server.web.ui;

import java.time.Instant;
import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.accounts.Role;

/**
 * What every page template gets: who is looking (null when nobody is logged in), the CSRF token its forms carry,
 * the path being shown (for the navigation) and the time of the request.
 */
public record PageContext(Caller caller, String csrf, String path, Instant now) {

    public boolean loggedIn() {
        return caller != null;
    }

    public boolean researcher() {
        return caller != null && caller.has(Role.RESEARCHER);
    }

    public boolean admin() {
        return caller != null && caller.isAdmin();
    }

    /** The logged-in account's e-mail, or the empty string. */
    public String email() {
        return caller == null ? "" : caller.email();
    }

    /** True when the current path is {@code prefix} or below it, for marking the navigation. */
    public boolean at(String prefix) {
        return prefix.equals("/") ? path.equals("/") : path.equals(prefix) || path.startsWith(prefix + "/");
    }
}

package org.sparecycles.server.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.MutableClock;
import org.sparecycles.server.db.Database;

/**
 * Callers read from the database answer an authenticator's requests for {@link Accounts#CALLERS_KEPT}, on a real H2
 * file: a change of roles made through {@link Accounts} counts from the next request, one made elsewhere (another
 * node of a shared database) once that time has passed, and an unknown authenticator is never taken for a known one.
 */
class AuthenticatedCallersTest {
    @TempDir
    Path dir;

    @Test
    void rolesChangedHereCountAtOnceAndChangedElsewhereWithinTheTimeKept() {
        MutableClock clock = MutableClock.stoppedAt(Instant.parse("2026-12-06T06:00:00Z"));
        try (Database db = Database.open(dir)) {
            Accounts accounts = new Accounts(db.jdbc(), clock);
            long id = accounts.create("r@example.org", "a long password", "r", Set.of(Role.RESEARCHER));
            String authenticator = accounts.issueAuthenticator(id);
            assertEquals(Set.of(Role.VOLUNTEER, Role.RESEARCHER), roles(accounts, authenticator));

            accounts.setRoles(id, Set.of(Role.ADMIN));
            assertEquals(Set.of(Role.VOLUNTEER, Role.ADMIN), roles(accounts, authenticator), "changed through Accounts");

            // as another node of the same database would change them
            db.jdbc().update("DELETE FROM account_roles WHERE account_id = ? AND role = 'ADMIN'", id);
            clock.advance(Accounts.CALLERS_KEPT.minusMillis(1));
            assertEquals(Set.of(Role.VOLUNTEER, Role.ADMIN), roles(accounts, authenticator), "still kept");
            clock.advance(java.time.Duration.ofMillis(1));
            assertEquals(Set.of(Role.VOLUNTEER), roles(accounts, authenticator), "read again");

            assertTrue(accounts.authenticate(authenticator.substring(1) + "0").isEmpty());
            assertTrue(accounts.authenticate(" " + authenticator + " ").isPresent(), "the same, trimmed");
        }
    }

    private static Set<Role> roles(Accounts accounts, String authenticator) {
        return accounts.authenticate(authenticator).orElseThrow().roles();
    }
}

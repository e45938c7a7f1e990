package org.sparecycles.server.web.accounts;

import org.sparecycles.server.accounts.Accounts;
import org.sparecycles.server.web.Routes;
import org.sparecycles.workunits.protocol.CreateAccountRequest;
import org.sparecycles.workunits.protocol.LoginRequest;

/** {@code POST /accounts} (new volunteer), {@code POST /accounts/login} (throttled after failures: 429 with {@code Retry-After}) and {@code GET /accounts/me} (credit). */
public final class AccountsEndpoints {
    private AccountsEndpoints() {
    }

    public static void register(Routes routes, Accounts accounts) {
        routes.post("/accounts", ex -> {
            CreateAccountRequest r = ex.body(CreateAccountRequest.class);
            ex.json(201, accounts.register(r.email(), r.password(), r.name()));
        });
        routes.post("/accounts/login", ex -> {
            LoginRequest r = ex.body(LoginRequest.class);
            ex.json(200, accounts.login(r.email(), r.password(), ex.remoteAddress()));
        });
        routes.get("/accounts/me", ex -> ex.json(200, accounts.credit(ex.caller().accountId())));
    }
}

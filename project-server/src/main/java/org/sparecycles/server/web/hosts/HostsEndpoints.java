package org.sparecycles.server.web.hosts;

import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.hosts.Hosts;
import org.sparecycles.server.web.Routes;
import org.sparecycles.workunits.protocol.HostRegistered;
import org.sparecycles.workunits.protocol.HostRegistration;

/** {@code POST /hosts}: registers a volunteer machine for the caller's account. */
public final class HostsEndpoints {
    private HostsEndpoints() {
    }

    public static void register(Routes routes, Hosts hosts) {
        routes.post("/hosts", ex -> {
            Caller caller = ex.caller();
            HostRegistration r = ex.body(HostRegistration.class);
            ex.json(201, new HostRegistered(hosts.register(caller.accountId(), r)));
        });
    }
}

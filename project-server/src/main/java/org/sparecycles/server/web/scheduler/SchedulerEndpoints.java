package org.sparecycles.server.web.scheduler;

import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.scheduler.Scheduler;
import org.sparecycles.server.web.Routes;
import org.sparecycles.workunits.protocol.SchedulerRequest;

/** {@code POST /scheduler}: report finished results and ask for work. */
public final class SchedulerEndpoints {
    private SchedulerEndpoints() {
    }

    public static void register(Routes routes, Scheduler scheduler) {
        routes.post("/scheduler", ex -> {
            Caller caller = ex.caller();
            ex.json(200, scheduler.handle(caller, ex.body(SchedulerRequest.class)));
        });
    }
}

package org.sparecycles.server.web.projects;

import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.projects.Projects;
import org.sparecycles.server.web.Routes;
import org.sparecycles.workunits.protocol.CreateProjectRequest;

/** {@code GET /projects} (anyone) and {@code POST /projects} (researchers). */
public final class ProjectsEndpoints {
    private ProjectsEndpoints() {
    }

    public static void register(Routes routes, Projects projects) {
        routes.get("/projects", ex -> ex.json(200, projects.list()));
        routes.post("/projects", ex -> {
            Caller caller = ex.caller();
            caller.require(Role.RESEARCHER);
            CreateProjectRequest r = ex.body(CreateProjectRequest.class);
            ex.json(201, projects.create(caller.accountId(), r.name(), r.description()));
        });
    }
}

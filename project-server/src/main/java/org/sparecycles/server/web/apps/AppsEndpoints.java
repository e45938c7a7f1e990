package org.sparecycles.server.web.apps;

import org.sparecycles.server.projects.Projects;
import org.sparecycles.server.web.Routes;
import org.sparecycles.workunits.app.AppRegistry;

/** {@code GET /apps}: the server's apps with their parameter declarations. */
public final class AppsEndpoints {
    private AppsEndpoints() {
    }

    public static void register(Routes routes, AppRegistry apps) {
        routes.get("/apps", ex -> ex.json(200, apps.all().stream().map(Projects::appInfo).toList()));
    }
}

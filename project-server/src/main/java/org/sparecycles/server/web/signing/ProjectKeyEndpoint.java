package org.sparecycles.server.web.signing;

import org.sparecycles.server.web.Routes;
import org.sparecycles.workunits.protocol.ProjectKeyInfo;
import org.sparecycles.workunits.signing.ProjectKey;

/** {@code GET /project-key}: the public key clients pin when they attach. Anyone may ask. */
public final class ProjectKeyEndpoint {
    private ProjectKeyEndpoint() {
    }

    public static void register(Routes routes, ProjectKey key) {
        ProjectKeyInfo info = new ProjectKeyInfo(ProjectKey.ALGORITHM, key.encoded(), key.fingerprint());
        routes.get("/project-key", ex -> ex.json(200, info));
    }
}

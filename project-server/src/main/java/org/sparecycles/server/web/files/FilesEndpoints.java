package org.sparecycles.server.web.files;

import org.sparecycles.server.error.NotFoundException;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.server.web.Routes;

/** {@code GET /files/{sha256}}: a stored file's bytes, for any account. */
public final class FilesEndpoints {
    private FilesEndpoints() {
    }

    public static void register(Routes routes, FileStore files) {
        routes.get("/files/{sha256}", ex -> {
            ex.caller();
            String sha = ex.pathText("sha256");
            if (!files.contains(sha)) {
                throw new NotFoundException("not_found", "no file " + sha);
            }
            ex.responseHeader("X-Content-SHA256", sha);
            ex.file(files.path(sha), "application/octet-stream");
        });
    }
}

package org.sparecycles.server.web.results;

import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.uploads.OutputUploads;
import org.sparecycles.server.web.Routes;

/** {@code PUT /results/{id}/output}: a result's output, with {@code X-Content-SHA256}. */
public final class ResultsEndpoints {
    /** The header carrying the output's SHA-256. */
    public static final String SHA256_HEADER = "X-Content-SHA256";

    private ResultsEndpoints() {
    }

    public static void register(Routes routes, OutputUploads uploads, long maxOutputBytes) {
        routes.put("/results/{id}/output", ex -> {
            Caller caller = ex.caller();
            long id = ex.pathLong("id");
            // one byte over the limit still reads, so the store sees the excess and answers 413 itself
            ex.json(200, uploads.accept(caller, id, ex.header(SHA256_HEADER), ex.contentLength(),
                    ex.bodyStream(maxOutputBytes + 1)));
        });
    }
}

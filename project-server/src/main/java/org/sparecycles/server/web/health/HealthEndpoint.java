package org.sparecycles.server.web.health;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.sparecycles.server.db.WriteStallWatch;
import org.sparecycles.server.web.Routes;
import org.sparecycles.workunits.protocol.HealthStatus;

/**
 * {@code GET /health}: {@code ok} when the database answers and its writes end, otherwise 503 {@code unavailable}.
 * A database can answer reads while a write never ends, and then the requests that wait for their writes wait too
 * ({@link WriteStallWatch}).
 */
public final class HealthEndpoint {
    private HealthEndpoint() {
    }

    public static void register(Routes routes, DataSource db, WriteStallWatch writes, Clock clock, Instant started) {
        String version = HealthEndpoint.class.getPackage().getImplementationVersion();
        routes.get("/health", ex -> {
            boolean ok = writes.stalledFor().isZero();
            if (ok) {
                try (Connection c = db.getConnection()) {
                    ok = c.isValid(2);
                } catch (Exception e) {
                    ok = false;
                }
            }
            long uptime = Math.max(0, Duration.between(started, clock.instant()).toSeconds());
            ex.json(ok ? 200 : 503, new HealthStatus(ok ? "ok" : "unavailable", version == null ? "dev" : version,
                    uptime));
        });
    }
}

package org.sparecycles.server.web.health;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.sparecycles.server.web.Routes;
import org.sparecycles.workunits.protocol.HealthStatus;

/** {@code GET /health}: {@code ok} when the database answers, otherwise 503 {@code unavailable}. */
public final class HealthEndpoint {
    private HealthEndpoint() {
    }

    public static void register(Routes routes, DataSource db, Clock clock, Instant started) {
        String version = HealthEndpoint.class.getPackage().getImplementationVersion();
        routes.get("/health", ex -> {
            boolean ok;
            try (Connection c = db.getConnection()) {
                ok = c.isValid(2);
            } catch (Exception e) {
                ok = false;
            }
            long uptime = Math.max(0, Duration.between(started, clock.instant()).toSeconds());
            ex.json(ok ? 200 : 503, new HealthStatus(ok ? "ok" : "unavailable", version == null ? "dev" : version,
                    uptime));
        });
    }
}

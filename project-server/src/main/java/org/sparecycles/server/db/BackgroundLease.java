package org.sparecycles.server.db;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The lease that lets one server node at a time run the background passes when several nodes share a database.
 * {@link #tryHold()} takes the lease when it is free or expired, or renews it when this node holds it, in one
 * guarded update; a node that dies stops renewing, and another node takes over once the lease has expired. With
 * a single node the lease is always this node's. The passes' own updates stay guarded as well, so even two nodes
 * passing at once (a lease expiring mid-pass) would not grant credit twice.
 */
public final class BackgroundLease {
    private static final String NAME = "background";

    private final Jdbc jdbc;
    private final Clock clock;
    private final String holder;
    private final Duration length;

    /**
     * @param holder names this node in the table (and in logs): unique per running node
     * @param length how long a taken lease lasts without renewal
     */
    public BackgroundLease(Jdbc jdbc, Clock clock, String holder, Duration length) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.holder = holder;
        this.length = length;
    }

    public String holder() {
        return holder;
    }

    /** Takes or renews the lease; false when another live node holds it. */
    public boolean tryHold() {
        Instant now = clock.instant();
        Instant until = now.plus(length);
        // not waited for: on embedded H2 there is one node, and a lease lost in a crash is taken again; a shared
        // database (PostgreSQL) makes every commit durable anyway
        if (jdbc.updateNotYetDurable("UPDATE background_lease SET holder = ?, expires_at = ? WHERE name = ?"
                + " AND (holder = ? OR expires_at < ?)", holder, until, NAME, holder, now) == 1) {
            return true;
        }
        try {
            return jdbc.inTransactionNotYetDurable(c -> {
                if (Jdbc.queryLong(c, "SELECT COUNT(*) FROM background_lease WHERE name = ?", NAME) > 0) {
                    return false;
                }
                Jdbc.update(c, "INSERT INTO background_lease (name, holder, expires_at) VALUES (?, ?, ?)", NAME,
                        holder, until);
                return true;
            });
        } catch (Jdbc.DataAccessException e) {
            // the primary key refused our row: another node inserted it at the same moment and holds the lease;
            // any other database trouble also means "not now", and the next pass asks again
            return false;
        }
    }

    /** Gives the lease up if this node holds it (on a clean shutdown), so another node need not wait for expiry. */
    public void release() {
        jdbc.update("DELETE FROM background_lease WHERE name = ? AND holder = ?", NAME, holder);
    }

    /** The node holding the lease, if anyone holds it now. */
    public Optional<String> currentHolder() {
        return jdbc.queryOne("SELECT holder FROM background_lease WHERE name = ? AND expires_at >= ?",
                rs -> rs.getString(1), NAME, clock.instant());
    }
}

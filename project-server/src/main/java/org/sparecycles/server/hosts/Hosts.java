package org.sparecycles.server.hosts;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.workunits.protocol.HostRegistration;

/** Volunteer machines: registration and lookup. Thread-safe. */
public final class Hosts {
    private final Jdbc jdbc;
    private final Clock clock;

    public Hosts(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * A registered host: its owner and measured speed, whether an admin blocked it, and its last contact as recorded
     * (null before the first).
     */
    public record Host(long id, long accountId, String name, double benchmarkGflops, boolean blocked,
                       Instant lastContactAt) {
    }

    /**
     * Registers a host for the account.
     *
     * @throws InvalidRequestException listing every field out of range
     */
    public long register(long accountId, HostRegistration r) {
        List<String> problems = new ArrayList<>();
        if (r.name() == null || r.name().isBlank()) {
            problems.add("name: missing");
        }
        if (r.cores() < 1) {
            problems.add("cores: " + r.cores() + " is below 1");
        }
        if (r.memoryBytes() < 0) {
            problems.add("memoryBytes: " + r.memoryBytes() + " is negative");
        }
        if (!Double.isFinite(r.benchmarkGflops()) || r.benchmarkGflops() < 0 || r.benchmarkGflops() > 10_000) {
            problems.add("benchmarkGflops: " + r.benchmarkGflops() + " is not between 0 and 10000");
        }
        InvalidRequestException.throwIfAny("invalid_host", "the host cannot be registered", problems);
        var now = clock.instant();
        return jdbc.inTransaction(c -> Jdbc.insert(c, "INSERT INTO hosts (account_id, name, os_name, os_version, "
                        + "cpu_model, cores, memory_bytes, benchmark_gflops, client_version, created_at, last_contact_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                accountId, cut(r.name(), 200), cut(r.osName(), 200), cut(r.osVersion(), 200), cut(r.cpuModel(), 300),
                r.cores(), r.memoryBytes(), r.benchmarkGflops(), cut(r.clientVersion(), 100), now, now));
    }

    public Optional<Host> find(long hostId) {
        // one query for all a scheduler request needs of the host (its blocked flag and last contact were two more)
        return jdbc.queryOne("SELECT id, account_id, name, benchmark_gflops, blocked, last_contact_at FROM hosts"
                + " WHERE id = ?", rs -> new Host(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getDouble(4),
                rs.getBoolean(5), Jdbc.instant(rs, "last_contact_at")), hostId);
    }

    /** Blocks or unblocks a host; false when there is no such host. */
    public boolean setBlocked(long hostId, boolean blocked) {
        return jdbc.update("UPDATE hosts SET blocked = ? WHERE id = ?", blocked, hostId) == 1;
    }

    private static String cut(String s, int max) {
        String v = s == null ? "" : s.trim();
        return v.length() > max ? v.substring(0, max) : v;
    }
}

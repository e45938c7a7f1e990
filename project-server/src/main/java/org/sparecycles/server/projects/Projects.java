package org.sparecycles.server.projects;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.protocol.AppInfo;
import org.sparecycles.workunits.protocol.ProjectInfo;

/**
 * Projects: research campaigns volunteers attach to. Every project offers all apps of the server's registry.
 * Thread-safe.
 */
public final class Projects {
    /** Disk a host needs for a project: inputs, outputs and checkpoints of a few tasks. */
    static final long MIN_DISK_BYTES = 200L << 20;

    private final Jdbc jdbc;
    private final Clock clock;
    private final AppRegistry apps;
    private final long memoryBoundBytes;

    public Projects(Jdbc jdbc, Clock clock, AppRegistry apps, long memoryBoundBytes) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.apps = apps;
        this.memoryBoundBytes = memoryBoundBytes;
    }

    /**
     * Creates a project owned by the account.
     *
     * @throws InvalidRequestException when the name is missing or a field is too long
     */
    public ProjectInfo create(long ownerAccountId, String name, String description) {
        check(name, description, "created");
        long id = jdbc.inTransaction(c -> Jdbc.insert(c,
                "INSERT INTO projects (owner_id, name, description, created_at) VALUES (?, ?, ?, ?)",
                ownerAccountId, name.trim(), description == null ? "" : description.trim(), clock.instant()));
        return find(id).orElseThrow();
    }

    /**
     * Changes the name and description volunteers see.
     *
     * @throws InvalidRequestException when the name is missing or a field is too long
     */
    public ProjectInfo update(long id, String name, String description) {
        check(name, description, "changed");
        jdbc.update("UPDATE projects SET name = ?, description = ? WHERE id = ?", name.trim(),
                description == null ? "" : description.trim(), id);
        return find(id).orElseThrow();
    }

    private static void check(String name, String description, String what) {
        List<String> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add("name: missing");
        } else if (name.length() > 200) {
            problems.add("name: must have at most 200 characters");
        }
        if (description != null && description.length() > 4000) {
            problems.add("description: must have at most 4000 characters");
        }
        InvalidRequestException.throwIfAny("invalid_project", "the project cannot be " + what, problems);
    }

    /** All projects, oldest first. */
    public List<ProjectInfo> list() {
        return jdbc.query("SELECT id, name, description FROM projects ORDER BY id", this::info);
    }

    public Optional<ProjectInfo> find(long id) {
        return jdbc.queryOne("SELECT id, name, description FROM projects WHERE id = ?", this::info, id);
    }

    /** The projects an account owns, oldest first. */
    public List<ProjectInfo> ownedBy(long accountId) {
        return jdbc.query("SELECT id, name, description FROM projects WHERE owner_id = ? ORDER BY id", this::info,
                accountId);
    }

    /** The owner of a project, if the project exists. */
    public Optional<Long> owner(long id) {
        return jdbc.queryOne("SELECT owner_id FROM projects WHERE id = ?", rs -> rs.getLong(1), id);
    }

    /** An app as listed to people. */
    public static AppInfo appInfo(ScienceApp app) {
        return new AppInfo(app.id(), app.version(), app.description(), app.parameters());
    }

    private ProjectInfo info(ResultSet rs) throws SQLException {
        return new ProjectInfo(rs.getLong("id"), rs.getString("name"), rs.getString("description"),
                apps.all().stream().map(Projects::appInfo).toList(), memoryBoundBytes, MIN_DISK_BYTES, 1);
    }
}

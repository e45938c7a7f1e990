package org.sparecycles.client.manager;

import java.util.List;
import java.util.Objects;

/**
 * One attachment of the desktop app: an account on a server and the projects of that server the volunteer
 * joined, with the volunteer's switches for it. Stored in {@code attachments.json}.
 *
 * @param id           directory name under {@code projects/}, e.g. {@code localhost_8080_a3}
 * @param projectIds   project ids joined on that server (empty: all)
 * @param projectNames their names, for display
 * @param share        resource share (BOINC's default is 100)
 * @param suspended    computing held for this attachment by the volunteer
 * @param noNewTasks   ask this server for no new work
 */
public record ProjectSettings(String id, String serverUrl, String email, long accountId, List<Long> projectIds,
                              List<String> projectNames, double share, boolean suspended, boolean noNewTasks) {
    public static final double DEFAULT_SHARE = 100;

    public ProjectSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(serverUrl, "serverUrl");
        projectIds = projectIds == null ? List.of() : List.copyOf(projectIds);
        projectNames = projectNames == null ? List.of() : List.copyOf(projectNames);
        if (!(share > 0)) {
            share = DEFAULT_SHARE;
        }
    }

    /** What people call it: the joined projects' names, or the server. */
    public String title() {
        return projectNames.isEmpty() ? serverUrl : String.join(", ", projectNames);
    }

    public ProjectSettings withShare(double v) {
        return new ProjectSettings(id, serverUrl, email, accountId, projectIds, projectNames, v, suspended, noNewTasks);
    }

    public ProjectSettings withSuspended(boolean v) {
        return new ProjectSettings(id, serverUrl, email, accountId, projectIds, projectNames, share, v, noNewTasks);
    }

    public ProjectSettings withNoNewTasks(boolean v) {
        return new ProjectSettings(id, serverUrl, email, accountId, projectIds, projectNames, share, suspended, v);
    }
}

package org.sparecycles.server.web.ui;

import java.util.List;
import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.error.ForbiddenException;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.server.error.NotFoundException;
import org.sparecycles.server.projects.Projects;
import org.sparecycles.workunits.protocol.ProjectInfo;

/** The list of projects (for everyone) and creating and editing them (researchers, for their own). */
final class ProjectPages {
    private ProjectPages() {
    }

    static void register(WebUi ui) {
        Projects projects = ui.services().projects();
        ui.get("/projects", ex -> list(ex, projects, "", "", List.of(), 200));
        ui.post("/projects", ex -> {
            Caller caller = ex.require(Role.RESEARCHER);
            Form form = ex.form();
            try {
                ProjectInfo p = projects.create(caller.accountId(), form.text("name"), form.text("description"));
                ex.redirect("/projects#project-" + p.id());
            } catch (InvalidRequestException e) {
                list(ex, projects, form.text("name"), form.text("description"), e.problems(), 400);
            }
        });
        ui.get("/projects/{id}/edit", ex -> {
            ProjectInfo p = owned(ex, projects);
            ex.render(200, "projectedit.jte", "project", p, "name", p.name(), "description", p.description(),
                    "problems", List.of());
        });
        ui.post("/projects/{id}", ex -> {
            ProjectInfo p = owned(ex, projects);
            Form form = ex.form();
            try {
                projects.update(p.id(), form.text("name"), form.text("description"));
                ex.redirect("/projects#project-" + p.id());
            } catch (InvalidRequestException e) {
                ex.render(400, "projectedit.jte", "project", p, "name", form.text("name"),
                        "description", form.text("description"), "problems", e.problems());
            }
        });
    }

    private static void list(WebExchange ex, Projects projects, String name, String description, List<String> problems,
                             int status) throws Exception {
        List<Long> mine = ex.caller().filter(c -> c.has(Role.RESEARCHER))
                .map(c -> c.isAdmin() ? projects.list() : projects.ownedBy(c.accountId())).orElse(List.of())
                .stream().map(ProjectInfo::id).toList();
        ex.render(status, "projects.jte", "projects", projects.list(), "mine", mine, "name", name,
                "description", description, "problems", problems);
    }

    /** The project of the path, when the caller owns it (or is an admin). */
    private static ProjectInfo owned(WebExchange ex, Projects projects) {
        Caller caller = ex.require(Role.RESEARCHER);
        long id = ex.pathLong("id");
        long owner = projects.owner(id).orElseThrow(() -> new NotFoundException("not_found", "no project " + id));
        if (owner != caller.accountId() && !caller.isAdmin()) {
            throw new ForbiddenException("forbidden", "project " + id + " belongs to another researcher");
        }
        return projects.find(id).orElseThrow();
    }
}

package org.sparecycles.server.web.ui;

import java.util.EnumSet;
import java.util.Set;
import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.server.error.NotFoundException;
import org.sparecycles.server.stats.Activity;
import org.sparecycles.server.stats.CreditFigures;
import org.sparecycles.server.stats.HostFigures;
import org.sparecycles.server.stats.ValidationFigures;

/** The admin's pages: dashboard, validation, credit, hosts (block/unblock) and accounts (roles). */
final class AdminPages {
    static final int TOP = 10;

    private AdminPages() {
    }

    static void register(WebUi ui) {
        WebUi.Services s = ui.services();
        Activity activity = new Activity(s.jdbc(), s.clock());
        HostFigures hosts = new HostFigures(s.jdbc(), s.clock());
        ValidationFigures validation = new ValidationFigures(s.jdbc());
        ui.get("/admin", ex -> {
            ex.require(Role.ADMIN);
            ex.render(200, "admin/dashboard.jte", "queues", activity.queues(), "perHour", activity.resultsPerHour(24),
                    "runs", s.backgroundRuns().get());
        });
        ui.get("/admin/validation", ex -> {
            ex.require(Role.ADMIN);
            ex.render(200, "admin/validation.jte", "byApp", validation.byApp(), "byBatch", validation.byBatch());
        });
        ui.get("/admin/credit", ex -> {
            ex.require(Role.ADMIN);
            long wu = ex.queryLong("workunit", 0);
            if (wu > 0) {
                ex.redirect("/admin/credit/workunits/" + wu);
                return;
            }
            ex.render(200, "admin/credit.jte", "perDay", activity.creditPerDay(30, null),
                    "accountsByTotal", s.stats().accountsByTotal(TOP), "accountsByRecent", s.stats().accountsByRecent(TOP),
                    "hostsByTotal", s.stats().hostsByTotal(TOP), "hostsByRecent", s.stats().hostsByRecent(TOP));
        });
        ui.get("/admin/credit/workunits/{id}", ex -> {
            ex.require(Role.ADMIN);
            long id = ex.pathLong("id");
            var breakdown = new CreditFigures(s.jdbc()).workUnit(id)
                    .orElseThrow(() -> new NotFoundException("not_found", "no work unit " + id));
            ex.render(200, "admin/workunit.jte", "wu", breakdown);
        });
        ui.get("/admin/hosts", ex -> {
            ex.require(Role.ADMIN);
            String q = ex.param("q");
            ex.render(200, "admin/hosts.jte", "hosts", hosts.page(q, ex.queryLong("page", 1)), "q", q);
        });
        ui.post("/admin/hosts/{id}/block", ex -> block(ui, ex, true));
        ui.post("/admin/hosts/{id}/unblock", ex -> block(ui, ex, false));
        ui.get("/admin/accounts", ex -> {
            ex.require(Role.ADMIN);
            String q = ex.param("q");
            ex.render(200, "admin/accounts.jte", "accounts", s.accounts().page(q, ex.queryLong("page", 1)), "q", q);
        });
        ui.post("/admin/accounts/{id}/roles", ex -> {
            Caller admin = ex.require(Role.ADMIN);
            Form form = ex.form();
            long id = ex.pathLong("id");
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (String r : form.all("role")) {
                roles.add(Role.fromWire(r).orElseThrow(() ->
                        new InvalidRequestException("invalid_request", "role: unknown role '" + r + "'")));
            }
            if (id == admin.accountId() && !roles.contains(Role.ADMIN)) {
                throw new InvalidRequestException("invalid_request",
                        "you cannot take the admin role from yourself; ask another admin");
            }
            s.accounts().setRoles(id, roles);
            ex.redirect(back("/admin/accounts", form) + "#account-" + id);
        });
    }

    private static void block(WebUi ui, WebExchange ex, boolean blocked) throws Exception {
        ex.require(Role.ADMIN);
        Form form = ex.form();
        long id = ex.pathLong("id");
        if (!ui.services().hosts().setBlocked(id, blocked)) {
            throw new NotFoundException("not_found", "no host " + id);
        }
        ex.redirect(back("/admin/hosts", form) + "#host-" + id);
    }

    /** The list page a form was posted from: its search ({@code q}) and page, as the form's hidden fields carry them. */
    private static String back(String path, Form form) {
        String q = form.text("q");
        String page = form.text("page");
        return path + "?q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8)
                + (page.matches("[0-9]{1,9}") ? "&page=" + page : "");
    }
}

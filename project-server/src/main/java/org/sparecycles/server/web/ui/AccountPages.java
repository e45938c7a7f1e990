package org.sparecycles.server.web.ui;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.error.ConflictException;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.server.error.TooManyRequestsException;
import org.sparecycles.server.error.UnauthenticatedException;
import org.sparecycles.server.stats.Activity;
import org.sparecycles.server.stats.HostFigures;

/** Start page, sign-up, log-in and -out, the volunteer's account page and the public leaderboard. */
final class AccountPages {
    private AccountPages() {
    }

    static void register(WebUi ui) {
        WebUi.Services s = ui.services();
        ui.get("/", ex -> ex.render(200, "home.jte", "projects", s.projects().list()));
        ui.get("/login", ex -> ex.render(200, "login.jte", "email", "", "next", safeNext(ex.param("next")),
                "error", "", "status", 200));
        ui.post("/login", ex -> logIn(ui, ex));
        ui.get("/signup", ex -> ex.render(200, "signup.jte", "email", "", "name", "", "problems", List.of()));
        ui.post("/signup", ex -> signUp(ui, ex));
        ui.post("/logout", ex -> {
            ex.form();
            ex.logOut();
            ex.redirect("/");
        });
        ui.get("/account", ex -> {
            Caller caller = ex.require(Role.VOLUNTEER);
            ex.render(200, "account.jte",
                    "stats", s.stats().account(caller.accountId()).orElseThrow(),
                    "showName", s.accounts().showsName(caller.accountId()),
                    "hosts", new HostFigures(s.jdbc(), s.clock()).hosts(caller.accountId()),
                    "credit", new Activity(s.jdbc(), s.clock()).creditPerDay(30, caller.accountId()));
        });
        ui.post("/account/settings", ex -> {
            Caller caller = ex.require(Role.VOLUNTEER);
            var form = ex.form();
            s.accounts().setShowName(caller.accountId(), form.text("show_name").equals("on"));
            ex.redirect("/account");
        });
        ui.get("/leaderboard", ex -> ex.render(200, "leaderboard.jte", "standings", s.stats().leaderboard(100)));
    }

    private static void logIn(WebUi ui, WebExchange ex) throws Exception {
        var form = ex.form();
        String email = form.text("email");
        String next = safeNext(form.text("next"));
        long id;
        try {
            id = ui.services().accounts().checkPassword(email, form.text("password"), ex.remoteAddress());
        } catch (TooManyRequestsException e) {
            ex.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
            ex.render(429, "login.jte", "email", email, "next", next, "status", 429, "error",
                    "Too many failed attempts; try again in " + e.retryAfterSeconds() + " s.");
            return;
        } catch (UnauthenticatedException e) {
            ex.render(401, "login.jte", "email", email, "next", next, "status", 401, "error", "Wrong e-mail or password.");
            return;
        }
        ex.logIn(id);
        ex.redirect(next.isEmpty() ? landing(ui, id) : next);
    }

    private static void signUp(WebUi ui, WebExchange ex) throws Exception {
        var form = ex.form();
        Set<Role> roles = form.text("role").equals("researcher") ? EnumSet.of(Role.RESEARCHER) : Set.of();
        long id;
        try {
            id = ui.services().accounts().create(form.text("email"), form.text("password"), form.text("name"), roles);
        } catch (InvalidRequestException e) {
            ex.render(400, "signup.jte", "email", form.text("email"), "name", form.text("name"), "problems",
                    e.problems());
            return;
        } catch (ConflictException e) {
            ex.render(409, "signup.jte", "email", form.text("email"), "name", form.text("name"), "problems",
                    List.of(e.getMessage()));
            return;
        }
        ex.logIn(id);
        ex.redirect(landing(ui, id));
    }

    /** Researchers land on their batches, everyone else on the account page. */
    private static String landing(WebUi ui, long accountId) {
        return ui.services().accounts().find(accountId).map(c -> c.has(Role.RESEARCHER)).orElse(false)
                ? "/batches" : "/account";
    }

    /** Only local paths, so the log-in form cannot send anyone to another site. */
    static String safeNext(String next) {
        return next != null && next.startsWith("/") && !next.startsWith("//") && !next.contains("\\")
                && !next.contains("\r") && !next.contains("\n") ? next : "";
    }
}

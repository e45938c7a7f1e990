package org.sparecycles.server.web.ui;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.handlers.form.FormParserFactory;
import io.undertow.server.handlers.form.MultiPartParserDefinition;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparecycles.server.accounts.Accounts;
import org.sparecycles.server.batches.Batches;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.error.NotFoundException;
import org.sparecycles.server.error.ServerException;
import org.sparecycles.server.web.ErrorResponses;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.server.hosts.Hosts;
import org.sparecycles.server.projects.Projects;
import org.sparecycles.server.stats.Stats;
import org.sparecycles.server.web.Routes;
import org.sparecycles.workunits.app.AppRegistry;

/**
 * The server's web UI: server-rendered pages (jte templates), htmx for the live parts, Chart.js for charts, all
 * served from the server's own jar. Browsers authenticate with a session cookie; every POST carries a CSRF token;
 * every page checks the role it needs (a stranger is sent to log in, an account without the role gets 403).
 * The rules are in docs/server.md ("Web UI").
 */
public final class WebUi {
    private static final Logger LOG = LoggerFactory.getLogger(WebUi.class);
    /** Content-Security-Policy of every page: our own scripts only, no inline script. */
    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
            + " script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** What the pages read and change. */
    public record Services(Jdbc jdbc, Clock clock, Accounts accounts, Projects projects, Batches batches, Stats stats,
                           Hosts hosts, AppRegistry apps, FileStore files, long maxBatchBytes, Path dataDir,
                           Path uploadTemp, Supplier<Map<String, Instant>> backgroundRuns) {
    }

    /** Handles one page or fragment. */
    @FunctionalInterface
    interface Page {
        void handle(WebExchange ex) throws Exception;
    }

    private final Routes routes;
    private final Services services;
    private final WebSessions sessions;
    private final Templates templates = new Templates();
    private final FormParserFactory forms;

    private WebUi(Routes routes, Services services) {
        this.routes = routes;
        this.services = services;
        this.sessions = new WebSessions(services.jdbc(), services.accounts(), services.clock(),
                FormKey.load(services.dataDir()));
        MultiPartParserDefinition multipart = new MultiPartParserDefinition(services.uploadTemp())
                .setDefaultEncoding(StandardCharsets.UTF_8.name());
        multipart.setMaxIndividualFileSize(services.maxBatchBytes());
        multipart.setFileSizeThreshold(0); // every file part to disk: the heap holds no upload, whatever its files' sizes
        this.forms = FormParserFactory.builder(true).addParsers(multipart).withDefaultCharset("UTF-8").build();
    }

    /** Adds every page, fragment and asset route. */
    public static void register(Routes routes, Services services) {
        WebUi ui = new WebUi(routes, services);
        routes.page(Methods.GET, "/static/*", Assets::serve);
        routes.page(Methods.GET, "/webjars/*", Assets::serve);
        routes.pageFallback(ui.wrap(ex -> {
            throw new NotFoundException("not_found", "there is no page " + ex.path());
        }));
        AccountPages.register(ui);
        ProjectPages.register(ui);
        BatchPages.register(ui);
        AdminPages.register(ui);
        StatsExport.register(ui);
    }

    void get(String path, Page page) {
        routes.page(Methods.GET, path, wrap(page));
    }

    void post(String path, Page page) {
        routes.page(Methods.POST, path, wrap(page));
    }

    Services services() {
        return services;
    }

    WebSessions sessions() {
        return sessions;
    }

    Templates templates() {
        return templates;
    }

    FormParserFactory forms() {
        return forms;
    }

    Clock clock() {
        return services.clock();
    }

    private HttpHandler wrap(Page page) {
        return exchange -> {
            securityHeaders(exchange);
            WebExchange ex = null;
            try {
                ex = new WebExchange(exchange, this);
                if (exchange.getRequestMethod().equals(Methods.POST)) {
                    exchange.setMaxEntitySize(services.maxBatchBytes() + (1L << 20));
                }
                page.handle(ex);
            } catch (WebExchange.LoginRequired e) {
                ex.redirect(ex.loginRedirect());
            } catch (Exception e) {
                answerError(exchange, ex, e);
            }
        };
    }

    private void answerError(HttpServerExchange exchange, WebExchange ex, Exception e) throws IOException {
        if (exchange.isResponseStarted()) {
            LOG.warn("{} {}: error after the response started: {}", exchange.getRequestMethod(),
                    exchange.getRequestPath(), e.toString());
            exchange.endExchange();
            return;
        }
        int status;
        String message;
        List<String> problems = List.of();
        if (e instanceof ServerException s) {
            status = ErrorResponses.status(s);
            message = s.problems().isEmpty() ? s.getMessage() : s.getMessage().split(": ", 2)[0];
            problems = s.problems();
        } else if (e instanceof RequestTooBigException || e instanceof MultiPartParserDefinition.FileTooLargeException) {
            status = 413;
            message = "the upload is larger than this server accepts";
        } else {
            status = 500;
            message = "the server failed to handle the request; see its log";
            LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
        }
        if (ex == null) {
            exchange.setStatusCode(status);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getResponseSender().send(message);
            return;
        }
        ex.render(status, "error.jte", "status", status, "message", message, "problems", problems);
    }

    private static void securityHeaders(HttpServerExchange exchange) {
        var h = exchange.getResponseHeaders();
        h.put(new io.undertow.util.HttpString("Content-Security-Policy"), CSP);
        h.put(new io.undertow.util.HttpString("X-Content-Type-Options"), "nosniff");
        h.put(new io.undertow.util.HttpString("X-Frame-Options"), "DENY");
        h.put(new io.undertow.util.HttpString("Referrer-Policy"), "same-origin");
    }
}

package org.sparecycles.server.web;

import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;
import org.sparecycles.server.accounts.Accounts;
import org.sparecycles.workunits.protocol.ApiError;

/**
 * The route table: API v1 under {@value #API}, and the web UI's pages everywhere else. Every handler runs
 * blocking on a worker thread; every exception an API endpoint throws is answered by {@link ErrorResponses}
 * (pages answer their own errors, as HTML).
 */
public final class Routes {
    /** Prefix of every API path. */
    public static final String API = "/api/v1";

    private final RoutingHandler routing = Handlers.routing();
    private final List<String> apiRoutes = new ArrayList<>();
    private final Accounts accounts;
    private HttpHandler pageFallback;

    public Routes(Accounts accounts) {
        this.accounts = accounts;
        routing.setFallbackHandler(exchange -> {
            if (pageFallback != null && !exchange.getRequestPath().startsWith(API + "/")
                    && !exchange.getRequestPath().equals(API)) {
                pageFallback.handleRequest(exchange);
                return;
            }
            ErrorResponses.write(exchange, 404,
                new ApiError("not_found", "no endpoint " + exchange.getRequestMethod() + " " + exchange.getRequestPath()));
        });
        routing.setInvalidMethodHandler(exchange -> ErrorResponses.write(exchange, 405,
                new ApiError("method_not_allowed", exchange.getRequestMethod() + " is not allowed on "
                        + exchange.getRequestPath())));
    }

    public Routes get(String path, Endpoint endpoint) {
        routing.get(API + path, wrap(endpoint));
        apiRoutes.add("GET " + API + path);
        return this;
    }

    public Routes post(String path, Endpoint endpoint) {
        routing.post(API + path, wrap(endpoint));
        apiRoutes.add("POST " + API + path);
        return this;
    }

    public Routes put(String path, Endpoint endpoint) {
        routing.put(API + path, wrap(endpoint));
        apiRoutes.add("PUT " + API + path);
        return this;
    }

    /** Every API route as {@code "METHOD /api/v1/path"}, in the order they were added (for tests of the roles). */
    public List<String> apiRoutes() {
        return List.copyOf(apiRoutes);
    }

    /** A web UI route outside the API prefix; the handler answers its own errors. */
    public Routes page(HttpString method, String path, HttpHandler handler) {
        routing.add(method, path, handler);
        return this;
    }

    /** What answers a path outside the API that no route matches (the web UI's 404 page). */
    public Routes pageFallback(HttpHandler handler) {
        this.pageFallback = handler;
        return this;
    }

    /** The handler to install in Undertow. */
    public HttpHandler handler() {
        return new BlockingHandler(routing);
    }

    private HttpHandler wrap(Endpoint endpoint) {
        return exchange -> {
            try {
                endpoint.handle(new ApiExchange(exchange, accounts));
            } catch (Exception e) {
                ErrorResponses.send(exchange, e);
            }
        };
    }
}

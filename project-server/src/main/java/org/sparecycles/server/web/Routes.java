package org.sparecycles.server.web;

import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import org.sparecycles.server.accounts.Accounts;
import org.sparecycles.workunits.protocol.ApiError;

/**
 * The route table of API v1. Every endpoint runs blocking on a worker thread, and every exception it throws is
 * answered by {@link ErrorResponses}.
 */
public final class Routes {
    /** Prefix of every API path. */
    public static final String API = "/api/v1";

    private final RoutingHandler routing = Handlers.routing();
    private final Accounts accounts;

    public Routes(Accounts accounts) {
        this.accounts = accounts;
        routing.setFallbackHandler(exchange -> ErrorResponses.write(exchange, 404,
                new ApiError("not_found", "no endpoint " + exchange.getRequestMethod() + " " + exchange.getRequestPath())));
        routing.setInvalidMethodHandler(exchange -> ErrorResponses.write(exchange, 405,
                new ApiError("method_not_allowed", exchange.getRequestMethod() + " is not allowed on "
                        + exchange.getRequestPath())));
    }

    public Routes get(String path, Endpoint endpoint) {
        routing.get(API + path, wrap(endpoint));
        return this;
    }

    public Routes post(String path, Endpoint endpoint) {
        routing.post(API + path, wrap(endpoint));
        return this;
    }

    public Routes put(String path, Endpoint endpoint) {
        routing.put(API + path, wrap(endpoint));
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

package org.sparecycles.server.web;

/** Handles one route; throws {@code ServerException}s for refusals, which {@link ErrorResponses} maps. */
@FunctionalInterface
public interface Endpoint {
    void handle(ApiExchange exchange) throws Exception;
}

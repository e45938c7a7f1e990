package org.sparecycles.server.web.ui;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Static files served from the class path, so the server jar is self-contained (no CDN, no node build): our own
 * CSS and JS under {@code /static/} and the webjars' files (htmx, Chart.js) under {@code /webjars/}.
 */
public final class Assets {
    private static final String OWN = "web/static/";
    private static final String WEBJARS = "META-INF/resources/webjars/";
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "png", "image/png", "svg", "image/svg+xml", "map", "application/json",
            "ico", "image/x-icon");
    private static final String HTMX = "/webjars/htmx.org/" + webjarVersion("htmx.org") + "/dist/htmx.min.js";
    private static final String CHART = "/webjars/chart.js/" + webjarVersion("chart.js") + "/dist/chart.umd.js";

    private Assets() {
    }

    /** URL of htmx, with the version of the webjar on the class path. */
    public static String htmx() {
        return HTMX;
    }

    /** URL of Chart.js (UMD build). */
    public static String chartJs() {
        return CHART;
    }

    /** Answers {@code GET /static/...} and {@code GET /webjars/...}; 404 for anything else. */
    static void serve(HttpServerExchange exchange) throws IOException {
        String path = exchange.getRequestPath();
        String resource;
        String cache;
        if (path.startsWith("/static/")) {
            resource = OWN + path.substring("/static/".length());
            cache = "public, max-age=3600";
        } else if (path.startsWith("/webjars/")) {
            resource = WEBJARS + path.substring("/webjars/".length());
            cache = "public, max-age=31536000, immutable";
        } else {
            resource = null;
            cache = null;
        }
        String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        InputStream in = resource == null || resource.contains("..") || resource.endsWith("/") || !TYPES.containsKey(ext)
                ? null : Assets.class.getClassLoader().getResourceAsStream(resource);
        if (in == null || !exchange.getRequestMethod().equals(Methods.GET)) {
            exchange.setStatusCode(404);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getResponseSender().send("not found");
            return;
        }
        byte[] body;
        try (in) {
            body = in.readAllBytes();
        }
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, TYPES.get(ext));
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, cache);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        exchange.getOutputStream().write(body);
        exchange.endExchange();
    }

    private static String webjarVersion(String artifact) {
        String file = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("webjar " + artifact + " missing from the class path (" + file + ")");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}

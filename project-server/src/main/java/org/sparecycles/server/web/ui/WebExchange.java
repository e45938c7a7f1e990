package org.sparecycles.server.web.ui;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.server.handlers.CookieImpl;
import io.undertow.server.handlers.form.FormData;
import io.undertow.server.handlers.form.FormDataParser;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import org.xnio.IoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.error.ForbiddenException;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.server.error.NotFoundException;
import org.sparecycles.server.web.StreamedBody;

/**
 * One browser request as a page handler sees it: the session (if any), the posted form (CSRF-checked), path and
 * query values, and ways to answer with a page, a fragment, a redirect or bytes. Blocking, on a worker thread.
 */
public final class WebExchange {
    /** Name of the hidden form field that carries the CSRF token; htmx sends it as header {@value #CSRF_HEADER}. */
    public static final String CSRF_FIELD = "_csrf";
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private final HttpServerExchange exchange;
    private final WebUi ui;
    private final Optional<WebSessions.Session> session;
    private String preToken;

    WebExchange(HttpServerExchange exchange, WebUi ui) {
        this.exchange = exchange;
        this.ui = ui;
        Cookie cookie = exchange.getRequestCookie(WebSessions.COOKIE);
        this.session = cookie == null ? Optional.empty() : ui.sessions().find(cookie.getValue());
        Cookie pre = exchange.getRequestCookie(WebSessions.PRE_COOKIE);
        this.preToken = pre == null ? null : pre.getValue();
    }

    /** The logged-in account, if any. */
    public Optional<Caller> caller() {
        return session.map(WebSessions.Session::caller);
    }

    /**
     * The logged-in account holding the role (admins hold every role).
     *
     * @throws LoginRequired      when nobody is logged in (answered with a redirect to the log-in page)
     * @throws ForbiddenException when the account lacks the role
     */
    public Caller require(Role role) {
        Caller caller = caller().orElseThrow(LoginRequired::new);
        caller.require(role);
        return caller;
    }

    /** Thrown when a page needs a logged-in account and there is none. */
    static final class LoginRequired extends RuntimeException {
        LoginRequired() {
            super("log-in required", null, false, false);
        }
    }

    /**
     * The posted form, after checking its CSRF token (field {@value #CSRF_FIELD} or header {@value #CSRF_HEADER}).
     *
     * @throws ForbiddenException when the token is missing or wrong
     */
    public Form form() throws IOException {
        Form form = new Form();
        FormDataParser parser = ui.forms().createParser(exchange);
        if (parser != null) {
            // closing the parser deletes the uploaded files, which the page reads after this returns
            exchange.addExchangeCompleteListener((ex, next) -> {
                IoUtils.safeClose(parser);
                next.proceed();
            });
            FormData data = parser.parseBlocking();
            for (String field : data) {
                for (FormData.FormValue v : data.get(field)) {
                    if (v.isFileItem()) {
                        form.add(new Form.Upload(field, v.getFileName() == null ? "unnamed" : v.getFileName(),
                                v.getFileItem()));
                    } else {
                        form.add(field, v.getValue());
                    }
                }
            }
        }
        String given = form.has(CSRF_FIELD) ? form.text(CSRF_FIELD) : exchange.getRequestHeaders().getFirst(CSRF_HEADER);
        if (!WebSessions.matches(csrf(), given)) {
            throw new ForbiddenException("csrf", "the form's security token is missing or out of date;"
                    + " reload the page and try again");
        }
        return form;
    }

    /** The CSRF token for this visitor: the session's, or one derived from the pre-session cookie. */
    String csrf() {
        if (session.isPresent()) {
            return session.get().csrf();
        }
        if (preToken == null) {
            preToken = WebSessions.random();
            setCookie(WebSessions.PRE_COOKIE, preToken, -1);
        }
        return ui.sessions().anonymousCsrf(preToken);
    }

    /** What page templates get as {@code ctx}. */
    public PageContext context() {
        return new PageContext(caller().orElse(null), csrf(), path(), ui.clock().instant());
    }

    /** Renders a template with {@code ctx} and the given name/value pairs and sends it. */
    public void render(int status, String template, Object... namesAndValues) throws IOException {
        Map<String, Object> params = new HashMap<>();
        params.put("ctx", context());
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        html(status, ui.templates().render(template, params));
    }

    void html(int status, String html) throws IOException {
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        bytes(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    /** 303 to a local path; htmx requests get {@code HX-Redirect} so the whole page changes. */
    public void redirect(String location) {
        if (isHtmx()) {
            exchange.getResponseHeaders().put(new io.undertow.util.HttpString("HX-Redirect"), location);
            exchange.setStatusCode(204);
        } else {
            exchange.setStatusCode(303);
            exchange.getResponseHeaders().put(Headers.LOCATION, location);
        }
        exchange.endExchange();
    }

    public void bytes(int status, String contentType, byte[] body) throws IOException {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        exchange.getOutputStream().write(body);
        exchange.endExchange();
    }

    /** Answers with a body written as it is made; see {@link StreamedBody#send}. */
    public void stream(int status, String contentType, StreamedBody body) throws IOException {
        StreamedBody.send(exchange, status, contentType, body);
    }

    /** Sets a response header. */
    public void header(String name, String value) {
        exchange.getResponseHeaders().put(new io.undertow.util.HttpString(name), value);
    }

    /** A path or query value, or the empty string. */
    public String param(String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? "" : values.getFirst();
    }

    /** A numeric path value; a malformed one answers 404. */
    public long pathLong(String name) {
        try {
            return Long.parseLong(param(name));
        } catch (NumberFormatException e) {
            throw new NotFoundException("not_found", "'" + param(name) + "' is not an id");
        }
    }

    /** A numeric query value, or the fallback when absent; malformed answers 400. */
    public long queryLong(String name, long fallback) {
        String v = param(name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("invalid_request", name + ": '" + v + "' is not a number");
        }
    }

    public String path() {
        return exchange.getRequestPath();
    }

    public boolean isPost() {
        return exchange.getRequestMethod().equals(Methods.POST);
    }

    /** True for requests htmx makes (header {@code HX-Request}). */
    public boolean isHtmx() {
        return "true".equals(exchange.getRequestHeaders().getFirst("HX-Request"));
    }

    /** The client's network address, for throttling. */
    String remoteAddress() {
        var address = exchange.getSourceAddress();
        return address == null || address.getAddress() == null ? "?" : address.getAddress().getHostAddress();
    }

    /** Starts a session for the account (after log-in or sign-up): a new cookie, so a planted one is useless. */
    void logIn(long accountId) {
        session.ifPresent(s -> ui.sessions().delete(s.token()));
        setCookie(WebSessions.COOKIE, ui.sessions().create(accountId), (int) WebSessions.LIFETIME.getSeconds());
    }

    void logOut() {
        session.ifPresent(s -> ui.sessions().delete(s.token()));
        setCookie(WebSessions.COOKIE, "", 0);
    }

    private void setCookie(String name, String value, int maxAgeSeconds) {
        CookieImpl cookie = new CookieImpl(name, value);
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setSameSiteMode("Lax");
        cookie.setSecure(isSecure());
        if (maxAgeSeconds >= 0) {
            cookie.setMaxAge(maxAgeSeconds);
        }
        exchange.setResponseCookie(cookie);
    }

    /** TLS here or at a proxy in front ({@code X-Forwarded-Proto: https}). */
    private boolean isSecure() {
        return "https".equalsIgnoreCase(exchange.getRequestScheme())
                || "https".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("X-Forwarded-Proto"));
    }

    /** {@code /login?next=<this path>}. */
    String loginRedirect() {
        String query = exchange.getQueryString();
        String here = path() + (query == null || query.isEmpty() ? "" : "?" + query);
        return "/login?next=" + URLEncoder.encode(here, StandardCharsets.UTF_8);
    }

    HttpServerExchange undertow() {
        return exchange;
    }
}

package org.sparecycles.server.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.undertow.io.AsyncSenderImpl;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Deque;
import org.sparecycles.server.accounts.Accounts;
import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.server.error.NotFoundException;
import org.sparecycles.server.error.PayloadTooLargeException;
import org.sparecycles.server.error.UnauthenticatedException;
import org.sparecycles.workunits.json.Json;

/**
 * One request as an endpoint sees it: the caller, the body as a protocol record, path values, and ways to answer.
 * Runs in blocking mode on an Undertow worker thread; answers held in memory are written by the connection's I/O
 * thread after the endpoint returns (see {@link #bytes}).
 */
public final class ApiExchange {
    /** Largest JSON request body. */
    static final long MAX_JSON_BYTES = 1L << 20;

    private final HttpServerExchange exchange;
    private final Accounts accounts;

    ApiExchange(HttpServerExchange exchange, Accounts accounts) {
        this.exchange = exchange;
        this.accounts = accounts;
    }

    /**
     * The authenticated account.
     *
     * @throws UnauthenticatedException when the Authorization header is missing or its authenticator unknown
     */
    public Caller caller() {
        String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new UnauthenticatedException("unauthenticated", "this needs 'Authorization: Bearer <authenticator>'");
        }
        return accounts.authenticate(header.substring(7).trim())
                .orElseThrow(() -> new UnauthenticatedException("unauthenticated", "unknown authenticator"));
    }

    /**
     * The JSON body as a record.
     *
     * @throws InvalidRequestException  when the body is empty; malformed JSON surfaces as JsonProcessingException
     * @throws PayloadTooLargeException above {@link #MAX_JSON_BYTES}
     */
    public <T> T body(Class<T> type) throws IOException {
        // the limit is checked here rather than by Undertow's entity size check: that one refuses to read any more of
        // the body, so the error answer could not read the rest first and the connection's reset could overtake it
        long declared = exchange.getRequestContentLength();
        if (declared > MAX_JSON_BYTES) {
            throw jsonTooLarge(declared + " bytes");
        }
        byte[] bytes = exchange.getInputStream().readNBytes((int) MAX_JSON_BYTES + 1);
        if (bytes.length > MAX_JSON_BYTES) {
            throw jsonTooLarge("more than " + MAX_JSON_BYTES + " bytes");
        }
        if (bytes.length == 0) {
            throw new InvalidRequestException("malformed_json", "the request needs a JSON body ("
                    + type.getSimpleName() + ")");
        }
        T value = readRequest(bytes, type);
        if (value == null) {
            throw new InvalidRequestException("malformed_json", "the request body is null, expected "
                    + type.getSimpleName());
        }
        return value;
    }

    private static PayloadTooLargeException jsonTooLarge(String size) {
        return new PayloadTooLargeException("too_large", "the JSON request body (" + size + ") is larger than the "
                + MAX_JSON_BYTES + " bytes allowed");
    }

    /**
     * Reads a request record leniently: a missing number is 0 (the protocol's "unset"), so a client that predates
     * a field still talks to this server. Responses are written with the shared mapper unchanged.
     */
    public static <T> T readRequest(byte[] json, Class<T> type) throws IOException {
        return Json.mapper().readerFor(type).without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).readValue(json);
    }

    /** A numeric path value such as {@code {id}}; a malformed one answers 404. */
    public long pathLong(String name) {
        String text = pathText(name);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new NotFoundException("not_found", "'" + text + "' is not an id");
        }
    }

    public String pathText(String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? "" : values.getFirst();
    }

    /** A request header, or null. */
    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** The client's network address (for log-in throttling). */
    public String remoteAddress() {
        var address = exchange.getSourceAddress();
        return address == null || address.getAddress() == null ? "?" : address.getAddress().getHostAddress();
    }

    /** The declared body length, or -1. */
    public long contentLength() {
        return exchange.getRequestContentLength();
    }

    /** The raw body, refusing (with 413) to read more than {@code maxBytes}. */
    public InputStream bodyStream(long maxBytes) {
        exchange.setMaxEntitySize(maxBytes);
        return exchange.getInputStream();
    }

    /** Answers with a protocol record (or list of them) as JSON. */
    public void json(int status, Object value) throws IOException {
        bytes(status, "application/json; charset=utf-8", Json.mapper().writeValueAsBytes(value));
    }

    /**
     * Answers with a body held in memory. Once the request's body has been read to its end, the answer is written by
     * the connection's I/O thread after the endpoint returns, so that the exchange ends there: ended on the worker
     * thread, Undertow hands the connection back to its I/O thread through a flag that the I/O thread spins on when
     * the client's next request arrives first (a keep-alive client that asks again at once), and on two cores a
     * worker descheduled in that moment kept the I/O thread spinning (docs/benchmarks.md).
     */
    public void bytes(int status, String contentType, byte[] body) throws IOException {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        if (exchange.isRequestComplete() && !exchange.isInIoThread()) {
            ByteBuffer buffer = ByteBuffer.wrap(body);
            exchange.dispatch(exchange.getIoThread(), () -> new AsyncSenderImpl(exchange).send(buffer));
            return;
        }
        exchange.getOutputStream().write(body);
        exchange.endExchange();
    }

    /** Answers with a body written as it is made; see {@link StreamedBody#send}. */
    public void stream(int status, String contentType, StreamedBody body) throws IOException {
        StreamedBody.send(exchange, status, contentType, body);
    }

    /**
     * Answers with a file's bytes, written by this worker thread: Undertow's own file transfer from an I/O thread hands
     * the reading of the file to a worker anyway, so such an answer ends on a worker either way.
     */
    public void file(Path path, String contentType) throws IOException {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, Files.size(path));
        try (OutputStream out = exchange.getOutputStream()) {
            Files.copy(path, out);
        }
        exchange.endExchange();
    }

    /** Sets a response header. */
    public void responseHeader(String name, String value) {
        exchange.getResponseHeaders().put(new HttpString(name), value);
    }

    /** The Undertow exchange, for multipart parsing. */
    public HttpServerExchange undertow() {
        return exchange;
    }
}

package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.ApiError;

/** One account (or nobody) talking to the server over real HTTP. */
final class Api {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final URI base;
    private final String token;

    Api(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The same caller against another server address (a restarted server's new port). */
    Api at(URI otherBase) {
        return new Api(otherBase, token);
    }

    /** A response: status and body. */
    record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        <T> T as(Class<T> type) {
            try {
                return Json.mapper().readValue(body, type);
            } catch (IOException e) {
                throw new UncheckedIOException("not a " + type.getSimpleName() + ": " + text(), e);
            }
        }

        <T> List<T> asList(Class<T> type) {
            try {
                return Json.mapper().readValue(body, Json.mapper().getTypeFactory()
                        .constructCollectionType(List.class, type));
            } catch (IOException e) {
                throw new UncheckedIOException("not a list of " + type.getSimpleName() + ": " + text(), e);
            }
        }

        ApiError error() {
            return as(ApiError.class);
        }

        /** Asserts the status and returns the body as the type. */
        <T> T expect(int expected, Class<T> type) {
            assertEquals(expected, status, this::text);
            return as(type);
        }
    }

    Response get(String path) {
        return send(request(path).GET());
    }

    Response post(String path, Object body) {
        try {
            byte[] json = body instanceof byte[] raw ? raw : Json.mapper().writeValueAsBytes(body);
            return send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Response postMultipart(String path, Multipart form) {
        return send(request(path).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())));
    }

    /** Posts a body from a file, streamed (for bodies too large to hold). */
    Response postFile(String path, String contentType, java.nio.file.Path body, Duration timeout) {
        try {
            return send(request(path).timeout(timeout).header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofFile(body)));
        } catch (java.io.FileNotFoundException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gets a body into a file, streamed (for bodies too large to hold); returns the status. */
    int download(String path, java.nio.file.Path target, Duration timeout) {
        try {
            return HTTP.send(request(path).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofFile(target))
                    .statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response put(String path, byte[] body, String sha256Header) {
        HttpRequest.Builder b = request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (sha256Header != null) {
            b.header("X-Content-SHA256", sha256Header);
        }
        return send(b);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofSeconds(30));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

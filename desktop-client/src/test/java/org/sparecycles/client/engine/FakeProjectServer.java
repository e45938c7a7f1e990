package org.sparecycles.client.engine;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.AccountSession;
import org.sparecycles.workunits.protocol.ApiError;
import org.sparecycles.workunits.protocol.HostRegistered;
import org.sparecycles.workunits.protocol.InputRef;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;
import org.sparecycles.workunits.protocol.UploadReceipt;
import org.sparecycles.workunits.protocol.ProjectKeyInfo;
import org.sparecycles.workunits.signing.AssignmentSignatures;
import org.sparecycles.workunits.signing.ProjectKey;
import org.sparecycles.workunits.signing.ProjectSigner;

/**
 * A hand-written stand-in for the project server, speaking the protocol of {@code docs/protocol.md} just enough
 * for engine tests: accounts (the e-mail is always taken, so the client logs in), hosts, files, uploads, and a
 * scheduler whose answers the test scripts. Records what the client sent.
 */
final class FakeProjectServer implements AutoCloseable {
    static final String TOKEN = "fake-token";
    /** The project key the fake signs assignments with. */
    static final ProjectSigner SIGNER = ProjectSigner.generate();

    private final HttpServer http;
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final Map<Long, byte[]> uploads = new ConcurrentHashMap<>();
    final List<SchedulerRequest> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger fileRequests = new AtomicInteger();
    /** How long each file download pauses halfway (0: none). */
    volatile long fileStallMillis;
    /** Requests are served at once, each on its own thread, as a real server does. */
    private final java.util.concurrent.ExecutorService handlers = java.util.concurrent.Executors.newCachedThreadPool();
    final AtomicInteger accountCreations = new AtomicInteger();
    final AtomicInteger hostRegistrations = new AtomicInteger();
    private volatile Function<SchedulerRequest, Answer> scheduler = r -> Answer.ok(reply(List.of()));

    /** A scripted scheduler answer: a status, a body and extra headers. */
    record Answer(int status, Object body, Map<String, String> headers) {
        Answer(int status, Object body) {
            this(status, body, Map.of());
        }

        static Answer ok(SchedulerReply reply) {
            return new Answer(200, reply);
        }
    }

    /** The server's clock, which scheduler replies report as their {@code serverTime}. */
    private volatile java.time.Clock clock = java.time.Clock.systemUTC();

    FakeProjectServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/v1/accounts", ex -> {
            accountCreations.incrementAndGet();
            send(ex, 409, new ApiError("email_taken", "an account with this e-mail exists"));
        });
        http.createContext("/api/v1/accounts/login", ex -> send(ex, 200,
                new AccountSession(11, "v@example.org", "V", List.of("volunteer"), TOKEN)));
        http.createContext("/api/v1/hosts", ex -> authorized(ex, () -> send(ex, 201,
                new HostRegistered(4 + hostRegistrations.incrementAndGet()))));
        http.createContext("/api/v1/files/", ex -> authorized(ex, () -> {
            fileRequests.incrementAndGet();
            String sha = ex.getRequestURI().getPath().substring("/api/v1/files/".length());
            byte[] body = files.get(sha);
            if (body == null) {
                send(ex, 404, new ApiError("not_found", "no file " + sha));
            } else {
                ex.sendResponseHeaders(200, body.length);
                long stall = fileStallMillis;
                if (stall > 0) { // half the body, a pause, the rest: a download that takes a while
                    ex.getResponseBody().write(body, 0, body.length / 2);
                    ex.getResponseBody().flush();
                    try {
                        Thread.sleep(stall);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ex.getResponseBody().write(body, body.length / 2, body.length - body.length / 2);
                } else {
                    ex.getResponseBody().write(body);
                }
                ex.close();
            }
        }));
        http.createContext("/api/v1/results/", ex -> authorized(ex, () -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getPath();
            long id = Long.parseLong(path.split("/")[4]);
            if (!Sha256.hex(body).equals(ex.getRequestHeaders().getFirst("X-Content-SHA256"))) {
                send(ex, 400, new ApiError("hash_mismatch", "body does not match X-Content-SHA256"));
                return;
            }
            uploads.put(id, body);
            send(ex, 200, new UploadReceipt(id, Sha256.hex(body), body.length));
        }));
        http.createContext("/api/v1/project-key", ex -> send(ex, 200, new ProjectKeyInfo(ProjectKey.ALGORITHM,
                SIGNER.publicKey().encoded(), SIGNER.publicKey().fingerprint())));
        http.createContext("/api/v1/scheduler", ex -> authorized(ex, () -> {
            SchedulerRequest request = Json.mapper().readValue(ex.getRequestBody(), SchedulerRequest.class);
            requests.add(request);
            Answer a = scheduler.apply(request);
            a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            send(ex, a.status(), a.body() instanceof SchedulerReply r
                    ? signed(r, clock.instant(), request.signedTogether()) : a.body());
        }));
        http.setExecutor(handlers);
        http.start();
    }

    /**
     * Signs the assignments the test scripted as the real server does: with one signature over all of them when the
     * request asks for that, else each on its own. A reply the test scripted with a signature (over all or of one
     * assignment) keeps it, and then the others are signed each on its own.
     */
    private static SchedulerReply signed(SchedulerReply r, java.time.Instant serverTime, boolean together) {
        boolean scripted = r.assignmentsSignature() != null
                || r.assignments().stream().anyMatch(a -> a.signature() != null);
        if (r.assignmentsSignature() != null || together && !scripted && !r.assignments().isEmpty()) {
            return new SchedulerReply(r.assignments(), r.acknowledged(), r.cancelled(), r.messages(),
                    r.requestDelaySeconds(), serverTime, r.assignmentsSignature() != null ? r.assignmentsSignature()
                    : AssignmentSignatures.signTogether(SIGNER, r.assignments()));
        }
        return new SchedulerReply(r.assignments().stream().map(a -> a.signature() != null ? a
                : AssignmentSignatures.sign(SIGNER, a)).toList(), r.acknowledged(), r.cancelled(), r.messages(),
                r.requestDelaySeconds(), serverTime);
    }

    /** The clock whose time scheduler replies carry (default: the system's). */
    void clock(java.time.Clock serverClock) {
        this.clock = serverClock;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    void scheduler(Function<SchedulerRequest, Answer> answers) {
        this.scheduler = answers;
    }

    /** Hands out the assignments at the first scheduler request, then acknowledges reports and hands out nothing. */
    void serveOnce(org.sparecycles.workunits.protocol.Assignment... assignments) {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        scheduler(r -> Answer.ok(acknowledging(r, calls.getAndIncrement() == 0 ? List.of(assignments) : List.of(),
                List.of())));
    }

    /** Serves these bytes for the input and returns its reference. */
    InputRef input(String name, byte[] content) {
        String sha = Sha256.hex(content);
        files.put(sha, content);
        return new InputRef(name, "/api/v1/files/" + sha, content.length, sha);
    }

    /** A reply that acknowledges every report of the request and carries the given assignments. */
    static SchedulerReply reply(List<org.sparecycles.workunits.protocol.Assignment> assignments) {
        return new SchedulerReply(assignments, List.of(), List.of(), List.of(), 0);
    }

    static SchedulerReply acknowledging(SchedulerRequest request,
                                        List<org.sparecycles.workunits.protocol.Assignment> assignments,
                                        List<Long> cancelled) {
        return new SchedulerReply(assignments, request.reports().stream().map(ResultReport::resultId).toList(),
                cancelled, List.of(), 0);
    }

    /** Every report the client sent, in order. */
    List<ResultReport> reports() {
        return requests.stream().flatMap(r -> r.reports().stream()).toList();
    }

    private interface Handler {
        void handle() throws IOException;
    }

    private static void authorized(HttpExchange ex, Handler handler) throws IOException {
        if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, new ApiError("unauthorized", "no or unknown authenticator"));
            return;
        }
        handler.handle();
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] json = Json.mapper().writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, json.length);
        ex.getResponseBody().write(json);
        ex.close();
    }

    @Override
    public void close() {
        http.stop(0);
        handlers.shutdownNow();
    }
}

package org.sparecycles.client.engine;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.net.Failures;
import org.sparecycles.client.net.ServerApi;
import org.sparecycles.client.state.Attachment;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.HostRegistration;
import org.sparecycles.workunits.signing.AssignmentSignatures;
import org.sparecycles.workunits.signing.ProjectKey;
import org.sparecycles.workunits.signing.SignatureException;

/**
 * Attaching on the engine thread: runs {@link Attacher}'s blocking steps (account, project key, host registration)
 * on the I/O pool and saves what each one gives, retrying transport errors with backoff and giving up on refusals;
 * pins the project key that assignments must be signed with. Engine thread only.
 */
final class AttachFlow {
    private final EngineState engine;
    private final ServerApi api;
    private final ServerBackoff failures;
    private final CpuLedger cpu;
    private final BiConsumer<String, Throwable> fatal;
    private final Runnable tick;

    private boolean attaching;
    private ProjectKey projectKey;

    /** @param fatal gives up with the message to log and the failure that caused it (null when none did) */
    AttachFlow(EngineState engine, ServerApi api, ServerBackoff failures, CpuLedger cpu,
               BiConsumer<String, Throwable> fatal, Runnable tick) {
        this.engine = engine;
        this.api = api;
        this.failures = failures;
        this.cpu = cpu;
        this.fatal = fatal;
        this.tick = tick;
    }

    /** True while an attach step runs or waits to be tried again. */
    boolean inProgress() {
        return attaching;
    }

    /** Attaches, or takes up the saved attachment and finishes the steps it lacks. */
    void start() {
        Attachment a = engine.state().attachment();
        if (a == null) {
            attach();
        } else {
            api.authenticate(a.authenticator());
            engine.log("attached to " + a.serverUrl() + " as account " + a.accountId() + " (saved)");
            if (a.projectKey() == null) {
                pinProjectKey();
            } else if (a.isRegistered()) {
                engine.log("host " + a.hostId() + " (saved)");
                attached();
            } else {
                register();
            }
        }
    }

    void attach() {
        attaching = true;
        tick.run(); // while attaching, a tick only publishes the snapshot: "attaching" shows at once
        ClientConfig config = engine.config();
        Attacher attacher = new Attacher(config, api);
        step("attach", () -> new Pinned(attacher.accountSession(), attacher.projectKey()), pinned -> {
            var s = pinned.session().session();
            engine.log((pinned.session().created() ? "created account " : "logged in as ") + s.email());
            ProjectKey before = pinnedKey();
            if (before != null && !before.equals(pinned.key())) {
                fatal.accept("the server's project key changed from " + before.fingerprint() + " to "
                        + pinned.key().fingerprint() + "; refusing to trust it (detach and attach again to accept it)",
                        null);
                return;
            }
            api.authenticate(s.authenticator());
            projectKey = pinned.key();
            Attachment earlier = engine.state().attachment();
            // logged in again to the same account (the server had refused the authenticator): keep the host, so
            // the tasks it holds can still be reported; a 404 from the scheduler registers it again if need be
            boolean keepHost = earlier != null && earlier.accountId() == s.accountId() && earlier.isRegistered();
            engine.update(st -> st.withAttachment(new Attachment(config.serverText(), s.accountId(), config.email(),
                    s.authenticator(), keepHost ? earlier.hostId() : 0, keepHost ? earlier.benchmarkGflops() : 0,
                    pinned.key().encoded())));
            engine.log("attached to " + config.serverText() + " as account " + s.accountId());
            engine.log("pinned project key " + pinned.key().fingerprint());
            if (keepHost) {
                engine.log("host " + earlier.hostId() + " (kept)");
                attached();
            } else {
                register();
            }
        }, this::attach);
    }

    /** Pins the project key of an attachment saved before keys were pinned (or made by the desktop app). */
    private void pinProjectKey() {
        attaching = true;
        Attacher attacher = new Attacher(engine.config(), api);
        step("pin project key", attacher::projectKey, key -> {
            projectKey = key;
            engine.update(st -> st.withAttachment(st.attachment().withProjectKey(key.encoded())));
            engine.log("pinned project key " + key.fingerprint());
            if (engine.state().attachment().isRegistered()) {
                attached();
            } else {
                register();
            }
        }, this::pinProjectKey);
    }

    void register() {
        attaching = true;
        Attacher attacher = new Attacher(engine.config(), api);
        step("register host", () -> {
            HostRegistration registration = attacher.measureHost(ClientEngine.CLIENT_VERSION);
            return new Registered(registration, api.registerHost(registration).hostId());
        }, registered -> {
            HostRegistration registration = registered.registration();
            long hostId = registered.hostId();
            engine.update(st -> st.withAttachment(st.attachment().withHost(hostId, registration.benchmarkGflops())));
            engine.log(String.format(Locale.ROOT, "registered host %d (%s, %d cores, %.2f GFLOPS per core)",
                    hostId, registration.cpuModel(), registration.cores(), registration.benchmarkGflops()));
            attached();
        }, this::register);
    }

    /** The host is registered: the engine may compute and ask for work. */
    private void attached() {
        cpu.registered();
        attaching = false;
        tick.run();
    }

    /** The pinned key of the attachment; null while none is pinned. */
    private ProjectKey pinnedKey() {
        Attachment a = engine.state().attachment();
        if (projectKey == null && a != null && a.projectKey() != null) {
            try {
                projectKey = ProjectKey.parse(a.projectKey());
            } catch (SignatureException e) {
                engine.log("the saved project key is unreadable (" + e.getMessage() + "); pinning again");
                engine.update(st -> st.withAttachment(st.attachment().withProjectKey(null)));
            }
        }
        return projectKey;
    }

    /** True when the assignment is signed with the pinned key; otherwise logs why it is refused. */
    boolean acceptable(Assignment a) {
        return verified(List.of(a), key -> AssignmentSignatures.verify(key, a), "");
    }

    /**
     * True when one signature over all the assignments of a reply verifies with the pinned key; otherwise logs, for
     * each, why it is refused.
     */
    boolean acceptable(List<Assignment> assignments, String signature) {
        return verified(assignments, key -> AssignmentSignatures.verifyTogether(key, assignments, signature),
                "the signature over the reply's " + assignments.size() + " tasks: ");
    }

    /** A signature check against the pinned key. */
    @FunctionalInterface
    private interface Check {
        void verify(ProjectKey key) throws SignatureException;
    }

    /** Runs the check with the pinned key; when it fails, logs for each assignment why it is refused. */
    private boolean verified(List<Assignment> assignments, Check check, String what) {
        ProjectKey key = pinnedKey();
        try {
            if (key == null) {
                throw new SignatureException("no project key is pinned");
            }
            check.verify(key);
            return true;
        } catch (SignatureException e) {
            for (Assignment a : assignments) {
                engine.log("refused task " + a.resultId() + " (" + a.resultName() + "): " + what + e.getMessage());
            }
            return false;
        }
    }

    /** Runs one blocking step: retries transport errors with backoff, gives up on refusals. */
    private <T> void step(String what, EngineLoop.Call<T> call, Consumer<T> onSuccess, Runnable retry) {
        EngineLoop loop = engine.loop();
        loop.background(call, onSuccess, error -> {
            if (Failures.isRetryable(error)) {
                Duration d = failures.failed(error);
                engine.logRetry(d, what + ": " + Failures.describe(error));
                loop.schedule(() -> {
                    if (!engine.stopping()) {
                        retry.run();
                    }
                }, d);
            } else {
                fatal.accept("cannot " + what + ": " + Failures.describe(error), error);
            }
        });
    }

    private record Registered(HostRegistration registration, long hostId) {
    }

    private record Pinned(Attacher.Session session, ProjectKey key) {
    }
}

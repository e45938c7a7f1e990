package org.sparecycles.client.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.host.Benchmark;
import org.sparecycles.client.host.HostMapper;
import org.sparecycles.client.host.HostProbe;
import org.sparecycles.client.net.ApiException;
import org.sparecycles.client.net.ServerApi;
import org.sparecycles.workunits.protocol.AccountSession;
import org.sparecycles.workunits.protocol.CreateAccountRequest;
import org.sparecycles.workunits.protocol.HostRegistration;
import org.sparecycles.workunits.protocol.LoginRequest;
import org.sparecycles.workunits.protocol.ProjectKeyInfo;
import org.sparecycles.workunits.signing.ProjectKey;
import org.sparecycles.workunits.signing.SignatureException;

/** The blocking steps of attaching: account creation or log-in, host measurement and registration. */
final class Attacher {
    static final Duration BENCHMARK_TIME = Duration.ofMillis(700);

    private final ClientConfig config;
    private final ServerApi api;

    Attacher(ClientConfig config, ServerApi api) {
        this.config = config;
        this.api = api;
    }

    /** The session and whether the account was new. */
    record Session(AccountSession session, boolean created) {
    }

    /**
     * Creates the account, or logs in when the server refuses creation with a 4xx (e-mail taken).
     *
     * @throws ApiException from the log-in when both were refused (its message names both answers)
     */
    Session accountSession() throws IOException, ApiException {
        String name = config.name() != null ? config.name() : config.email().substring(0, config.email().indexOf('@'));
        try {
            return new Session(api.createAccount(new CreateAccountRequest(config.email(), config.password(), name)),
                    true);
        } catch (ApiException created) {
            if (created.isRetryable()) {
                throw created;
            }
            try {
                return new Session(api.login(new LoginRequest(config.email(), config.password())), false);
            } catch (ApiException login) {
                if (login.isRetryable()) {
                    throw login;
                }
                throw new ApiException(login.status(), new org.sparecycles.workunits.protocol.ApiError(
                        login.error().error(), "account creation refused (" + created.getMessage()
                        + ") and log-in refused (" + login.getMessage() + ")", login.error().problems()));
            }
        }
    }

    /**
     * Fetches the project's public key to pin.
     *
     * @throws ApiException when the server answers something that is not an Ed25519 key (status 0)
     */
    ProjectKey projectKey() throws IOException, ApiException {
        ProjectKeyInfo info = api.projectKey();
        try {
            return ProjectKey.parse(info.publicKey() == null ? "" : info.publicKey());
        } catch (SignatureException e) {
            throw new ApiException(0, new org.sparecycles.workunits.protocol.ApiError("bad_project_key",
                    "the server's project key is unusable: " + e.getMessage(), List.of()));
        }
    }

    /** Measures this machine: OSHI readings and the benchmark (about {@link #BENCHMARK_TIME} of CPU). */
    HostRegistration measureHost(String clientVersion) {
        double gflops = Benchmark.measure(BENCHMARK_TIME);
        return HostMapper.toRegistration(HostProbe.read(), config.name(), gflops, clientVersion);
    }
}

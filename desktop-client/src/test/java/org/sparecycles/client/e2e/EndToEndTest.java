package org.sparecycles.client.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.config.ServerConfig;

/**
 * What the end-to-end tests share: a temp dir, a real server on port 0 whose background passes and scheduler
 * delays are a second (so batches move quickly), a researcher logged in over HTTP, and everything started closed
 * again in reverse order after the test.
 */
abstract class EndToEndTest {
    /** The researcher every end-to-end test submits as. */
    protected static final String RESEARCHER_EMAIL = "researcher@e2e.test";
    protected static final String RESEARCHER_PASSWORD = "researcher-password";

    @TempDir
    protected Path tmp;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** Closes this after the test (before anything registered earlier). */
    protected <T extends AutoCloseable> T closeAfter(T resource) {
        open.add(resource);
        return resource;
    }

    /** A real server in {@code tmp/server} with one-second background passes and scheduler delays. */
    protected ProjectServer startServer() {
        return startServer(Clock.systemUTC());
    }

    /** The same, on an injected clock (to pass deadlines without waiting). */
    protected ProjectServer startServer(Clock clock) {
        return closeAfter(ProjectServer.start(ServerConfig.builder().port(0).dataDir(tmp.resolve("server"))
                .clock(clock).backgroundIntervalSeconds(1).schedulerRequestDelaySeconds(1)
                .schedulerIdleDelaySeconds(1).build()));
    }

    /** Creates the researcher account on the server and logs it in over HTTP. */
    protected static Researcher researcherOn(ProjectServer server) throws IOException, InterruptedException {
        server.accounts().create(RESEARCHER_EMAIL, RESEARCHER_PASSWORD, "Researcher", Set.of(Role.RESEARCHER));
        return Researcher.logIn(server.baseUri(), RESEARCHER_EMAIL, RESEARCHER_PASSWORD);
    }
}

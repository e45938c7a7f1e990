package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.workunits.protocol.AccountSession;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.BatchStatus;
import org.sparecycles.workunits.protocol.CreateAccountRequest;
import org.sparecycles.workunits.protocol.HostRegistered;
import org.sparecycles.workunits.protocol.HostRegistration;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;

/** A volunteer takes work and is never heard from again: the deadline passes (clock moved) and others finish. */
class VanishedVolunteerTest extends EndToEndTest {
    private static final List<String> SAMPLES = List.of("blobs.png", "dotblot.png");
    private static final Map<String, String> PARAMETERS = Map.of("sigma", "1", "polarity", "dark", "min_area", "10");

    @Test
    void resultsOfAVanishedHostAreReissuedAfterTheDeadlineAndTheBatchCompletes() throws Exception {
        MutableClock clock = new MutableClock();
        ProjectServer server = startServer(clock);
        Researcher researcher = researcherOn(server);
        long project = researcher.createProject("Deadlines").id();
        RedundancyPolicy policy = new RedundancyPolicy(2, 2, 3, 6, 3600);
        BatchStatus batch = researcher.submit(project, SAMPLES, PARAMETERS, policy, 1);

        AccountSession ghost = researcher.post("/api/v1/accounts",
                new CreateAccountRequest("ghost@e2e.test", "ghost-password", "Ghost"), AccountSession.class);
        Researcher ghostApi = Researcher.logIn(server.baseUri(), "ghost@e2e.test", "ghost-password");
        HostRegistered host = ghostApi.post("/api/v1/hosts", new HostRegistration("ghost-pc", "Linux", "6.1",
                "test cpu", 1, 1L << 30, 1.0, "test"), HostRegistered.class);
        SchedulerReply reply = ghostApi.post("/api/v1/scheduler",
                new SchedulerRequest(host.hostId(), List.of(), 1_000_000, List.of()), SchedulerReply.class);
        List<Assignment> taken = reply.assignments();
        assertEquals(SAMPLES.size(), taken.size(), "one replica of each work unit, never two: " + taken);
        assertTrue(ghost.accountId() > 0);

        clock.advance(Duration.ofSeconds(policy.delayBoundSeconds() + 60));
        server.runBackgroundPassNow();
        BatchStatus afterDeadline = researcher.status(batch.id());
        assertEquals(taken.size(), afterDeadline.resultsByState().entrySet().stream()
                        .filter(e -> e.getKey().contains("NO_REPLY")).mapToInt(Map.Entry::getValue).sum(),
                () -> "every result the ghost held is NO_REPLY: " + afterDeadline.resultsByState());

        ClientProcess a = ClientProcess.start(server.baseUri(), "a@e2e.test", tmp.resolve("a"));
        ClientProcess b = ClientProcess.start(server.baseUri(), "b@e2e.test", tmp.resolve("b"));
        closeAfter(a);
        closeAfter(b);
        BatchStatus done = researcher.awaitDone(batch.id(), Duration.ofMinutes(3), a, b);
        assertEquals("DONE", done.state(), done::toString);

        var rows = SpineEndToEndTest.results(server, batch.id());
        List<SpineEndToEndTest.Row> ghostRows = rows.get("ghost@e2e.test");
        assertEquals(taken.size(), ghostRows.size());
        assertTrue(ghostRows.stream().allMatch(r -> "NO_REPLY".equals(r.outcome())), ghostRows::toString);
        assertFalse(researcher.resultsJson(batch.id()).get("files").findValues("count").isEmpty());
    }
}

package org.sparecycles.client.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.events.ClientEvent;
import org.sparecycles.client.events.EventLog;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.AppRunner;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.InputRef;
import org.sparecycles.workunits.samples.SampleImages;

/** What the engine tests share: a client of a {@link FakeProjectServer}, its assignments, and its event log. */
final class EngineTests {
    static final Map<String, String> PARAMETERS = Map.of("sigma", "1", "polarity", "dark", "min_area", "10");
    static final Duration BOUND = Duration.ofSeconds(60);

    private EngineTests() {
    }

    /** A one-core client of the server with short backoffs, fetching no extra tasks. */
    static ClientConfig.Builder config(FakeProjectServer server, Path dataDir) {
        return ClientConfig.builder().server(server.uri().toString()).email("v@example.org").password("pw")
                .dataDir(dataDir).cores(1).extraTasks(0).backoff(Duration.ofMillis(50), Duration.ofMillis(200));
    }

    /** Opens (does not start) an engine whose event log is {@code events.log} in its data directory. */
    static ClientEngine open(ClientConfig config, Clock clock) throws IOException {
        Files.createDirectories(config.dataDir());
        return ClientEngine.open(config, clock, new EventLog(clock, config.dataDir().resolve("events.log"), null));
    }

    /** A {@code particle-count} assignment with {@link #PARAMETERS}, unsigned (the fake server signs replies). */
    static Assignment assignment(long id, List<InputRef> inputs, Instant deadline, long maxOutputBytes) {
        return new Assignment(id, "wu_" + id + "_0", 100 + id, "particle-count", "1.0", PARAMETERS, inputs,
                deadline, maxOutputBytes, 128L << 20, 5, "/api/v1/results/" + id + "/output");
    }

    /** What the app computes in this process for these samples: the output a worker must upload. */
    static byte[] inProcessOutput(String... samples) throws Exception {
        ScienceApp app = AppRegistry.builtIn().find("particle-count").orElseThrow();
        List<InputFile> inputs = new ArrayList<>();
        for (String s : samples) {
            inputs.add(new InputFile(s, SampleImages.bytes(s)));
        }
        return AppRunner.run(app, app.parseParameters(PARAMETERS), inputs);
    }

    static boolean logged(ClientEngine engine, String text) {
        return engine.events().recent().stream().map(ClientEvent::message).anyMatch(m -> m.contains(text));
    }

    /** The engine's recent events, a line each (for assertion messages). */
    static String log(ClientEngine engine) {
        StringBuilder sb = new StringBuilder();
        engine.events().recent().forEach(e -> sb.append(e.line()).append('\n'));
        return sb.toString();
    }
}

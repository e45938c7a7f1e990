package org.sparecycles.client.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.events.EventLog;
import org.sparecycles.client.state.ClientState;
import org.sparecycles.client.state.StateStore;
import org.sparecycles.client.state.TaskRecord;
import org.sparecycles.client.state.TaskState;

/**
 * What the parts of the engine share: the persisted {@link ClientState}, saved after every change and before the
 * engine acts on it, so a killed client resumes where it was; the outputs computed but not reported yet; the
 * settings in force; whether the engine is stopping; and the handles every part logs and schedules with. Engine
 * thread only.
 */
final class EngineState {
    private final ClientConfig config;
    private final Clock clock;
    private final EventLog events;
    private final String source;
    private final EngineLoop loop;
    private final StateStore store;
    private final Path outputs;

    private ClientState state;
    /** Written on the engine thread, read from others too ({@link ClientEngine#settings()}). */
    private volatile EngineSettings settings;
    private boolean stopping;

    EngineState(ClientConfig config, Clock clock, EventLog events, EngineLoop loop, StateStore store, Path outputs,
                ClientState state, EngineSettings settings) {
        this.config = config;
        this.clock = clock;
        this.events = events;
        this.source = config.serverText();
        this.loop = loop;
        this.store = store;
        this.outputs = outputs;
        this.state = state;
        this.settings = settings;
    }

    ClientConfig config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    EventLog events() {
        return events;
    }

    EngineLoop loop() {
        return loop;
    }

    ClientState state() {
        return state;
    }

    EngineSettings settings() {
        return settings;
    }

    void settings(EngineSettings next) {
        settings = next;
    }

    boolean stopping() {
        return stopping;
    }

    void markStopping() {
        stopping = true;
    }

    /** Logs in the name of the server attached to. */
    void log(String message) {
        events.add(source, message);
    }

    /** Logs a failure that is tried again after {@code delay}. */
    void logRetry(Duration delay, String failure) {
        log("retrying in " + String.format(Locale.ROOT, "%.0f", Math.ceil(delay.toMillis() / 1000.0)) + " s: "
                + failure);
    }

    void update(UnaryOperator<ClientState> change) {
        ClientState next = change.apply(state);
        if (next != state) {
            state = next;
            save();
        }
    }

    /** Changes the task only if it is still in {@code expected}; true when it did. */
    boolean updateIf(long id, TaskState expected, UnaryOperator<TaskRecord> change) {
        if (state.task(id).map(t -> t.state() == expected).orElse(false)) {
            update(st -> st.updateTask(id, change));
            return true;
        }
        return false;
    }

    void save() {
        try {
            store.save(state);
        } catch (IOException e) {
            events.add("client", "cannot save state: " + e.getMessage());
        }
    }

    /** Where a task's output waits from its computation until the server acknowledged the report. */
    Path output(long resultId) {
        return outputs.resolve(resultId + ".json");
    }

    void deleteOutput(long resultId) {
        try {
            Files.deleteIfExists(output(resultId));
        } catch (IOException e) {
            // left for the next clean-up
        }
    }
}

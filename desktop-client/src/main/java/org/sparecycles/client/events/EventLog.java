package org.sparecycles.client.events;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The engine's event log: keeps the most recent events in memory, appends every event to a file and a console
 * stream (each optional), and tells listeners. Thread-safe; listeners are called on the thread that added the
 * event and must not block (a UI hands them over to its own thread).
 */
public final class EventLog implements AutoCloseable {
    /** How many events {@link #recent()} keeps. */
    public static final int KEPT = 500;

    private final Clock clock;
    private final BufferedWriter file;
    private final PrintStream console;
    private final ArrayDeque<ClientEvent> recent = new ArrayDeque<>();
    private final List<Consumer<ClientEvent>> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param file    appended to, created if missing; null for none
     * @param console each event's line is printed here; null for none
     */
    public EventLog(Clock clock, Path file, PrintStream console) throws IOException {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.file = file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        this.console = console;
    }

    /** Records an event now. */
    public void add(String source, String message) {
        ClientEvent event = new ClientEvent(clock.instant(), source, message);
        synchronized (this) {
            recent.addLast(event);
            if (recent.size() > KEPT) {
                recent.removeFirst();
            }
            if (file != null) {
                try {
                    file.write(event.line());
                    file.newLine();
                    file.flush();
                } catch (IOException e) {
                    // the log must never take the engine down; the console still gets the line
                }
            }
            if (console != null) {
                console.println(event.line());
                console.flush();
            }
        }
        for (Consumer<ClientEvent> listener : listeners) {
            listener.accept(event);
        }
    }

    /** The most recent events, oldest first. */
    public synchronized List<ClientEvent> recent() {
        return List.copyOf(recent);
    }

    /** Adds a listener; run the returned handle to remove it. */
    public Runnable addListener(Consumer<ClientEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    @Override
    public synchronized void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}

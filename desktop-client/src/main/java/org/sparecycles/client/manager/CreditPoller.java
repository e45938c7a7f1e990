package org.sparecycles.client.manager;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import org.sparecycles.client.engine.ClientEngine;
import org.sparecycles.client.events.EventLog;
import org.sparecycles.client.net.ApiException;
import org.sparecycles.client.net.ServerApi;
import org.sparecycles.client.state.Attachment;
import org.sparecycles.client.state.StateStore;
import org.sparecycles.workunits.protocol.AccountCredit;

/**
 * Each attachment's credit, polled from its server every {@link ManagerOptions#creditPoll()} on the I/O pool,
 * and the history kept of it. Guarded by the manager's monitor: callers hold it; the polls take it to add a
 * sample. The history is saved outside the monitor (the UI's calls need it), under a lock of its own that writes
 * no version older than the last one written. Once closed, it adds, saves and logs nothing.
 */
final class CreditPoller {
    private final Object monitor;
    private final ManagerOptions options;
    private final Clock clock;
    private final EventLog events;
    private final ProjectsStore store;
    private final Attachments attachments;
    private final Executor io;
    private final List<CreditSample> credit;
    private Instant polledAt = Instant.EPOCH;
    private long version; // of the history, one more per sample added
    private boolean closed;

    private final Object saveLock = new Object();
    private long savedVersion; // guarded by saveLock

    /** @param monitor the manager, whose monitor guards this state */
    CreditPoller(Object monitor, ManagerOptions options, Clock clock, EventLog events, ProjectsStore store,
                 List<CreditSample> credit, Attachments attachments, Executor io) {
        this.monitor = monitor;
        this.options = options;
        this.clock = clock;
        this.events = events;
        this.store = store;
        this.credit = credit;
        this.attachments = attachments;
        this.io = io;
    }

    List<CreditSample> history() {
        return List.copyOf(credit);
    }

    /** The latest sample of an attachment, null when there is none. */
    CreditSample latest(String id) {
        return credit.stream().filter(c -> c.projectId().equals(id))
                .max(Comparator.comparing(CreditSample::time)).orElse(null);
    }

    /** Polls at the next {@link #pollIfDue}. */
    void refresh() {
        polledAt = Instant.EPOCH;
    }

    void pollIfDue(Instant now) {
        if (!closed && Duration.between(polledAt, now).compareTo(options.creditPoll()) >= 0) {
            polledAt = now;
            poll();
        }
    }

    private void poll() {
        for (ProjectSettings p : attachments.projects()) {
            ClientEngine e = attachments.engine(p.id());
            long hostId = e == null ? 0 : e.snapshot().hostId();
            if (hostId == 0) {
                continue;
            }
            Path state = attachments.dir(p.id()).resolve("state.json");
            io.execute(() -> {
                try {
                    Attachment a = new StateStore(state, clock).load().state().attachment();
                    if (a == null) {
                        return;
                    }
                    ServerApi api = new ServerApi(ClientManager.serverUri(p.serverUrl()));
                    api.authenticate(a.authenticator());
                    AccountCredit c = api.accountCredit();
                    AccountCredit.HostCredit host = c.hosts().stream().filter(h -> h.hostId() == hostId).findFirst()
                            .orElse(new AccountCredit.HostCredit(hostId, "", 0, 0));
                    add(new CreditSample(clock.instant(), p.id(), c.totalCredit(), c.recentCredit(),
                            host.totalCredit(), host.recentCredit()));
                } catch (IOException | ApiException | RuntimeException ex) {
                    // the next poll tries again; the engine's own requests report server trouble
                }
            });
        }
    }

    private void add(CreditSample s) {
        List<CreditSample> copy;
        long v;
        synchronized (monitor) {
            if (closed) {
                return; // a poll that outlived close(): the event log may be closed by now
            }
            credit.add(s);
            long mine = credit.stream().filter(c -> c.projectId().equals(s.projectId())).count();
            if (mine > ProjectsStore.SAMPLES_KEPT) {
                credit.stream().filter(c -> c.projectId().equals(s.projectId())).findFirst()
                        .ifPresent(credit::remove);
            }
            copy = List.copyOf(credit);
            v = ++version;
        }
        save(copy, v);
    }

    /** Writes this version of the history unless a newer one was written (two polls finishing together). */
    private void save(List<CreditSample> copy, long v) {
        synchronized (saveLock) {
            if (v <= savedVersion) {
                return;
            }
            savedVersion = v;
            try {
                store.saveCredit(copy);
            } catch (IOException e) {
                events.add("client", "cannot save credit history: " + e.getMessage());
            }
        }
    }

    /**
     * Stops polling and adding samples, and makes sure the latest history is written (waiting for a save in
     * progress): no save or log line comes after this returns. Call without the monitor, before the event log
     * closes.
     */
    void close() {
        List<CreditSample> copy;
        long v;
        synchronized (monitor) {
            closed = true;
            copy = List.copyOf(credit);
            v = version;
        }
        save(copy, v); // afterwards no save is newer than the one written: polls still running write nothing
    }
}

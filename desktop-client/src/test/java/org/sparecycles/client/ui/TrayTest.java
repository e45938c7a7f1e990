package org.sparecycles.client.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.idle.InputIdleSources;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerOptions;
import org.sparecycles.client.policy.ActivityMode;
import org.sparecycles.client.testing.Await;
import org.sparecycles.client.testing.Xvfb;
import org.sparecycles.client.ui.tray.Tray;

/** The tray menu's actions, and that a desktop without a tray (Xvfb has none) gets no icon and no error. */
class TrayTest {
    @TempDir
    Path tmp;
    private ClientManager manager;

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    private List<Tray.Item> items(AtomicInteger shown, AtomicInteger quit) throws Exception {
        manager = ClientManager.open(ManagerOptions.defaults(tmp), Clock.systemUTC(), InputIdleSources.unknown());
        manager.setMode(ActivityMode.ALWAYS);
        return Tray.items(manager, shown::incrementAndGet, quit::incrementAndGet);
    }

    private static Runnable action(List<Tray.Item> items, String label) {
        return items.stream().filter(i -> i.label().equals(label)).findFirst().orElseThrow().action();
    }

    @Test
    void menuSuspendsResumesToTheEarlierActivitySnoozesShowsAndQuits() throws Exception {
        AtomicInteger shown = new AtomicInteger();
        AtomicInteger quit = new AtomicInteger();
        List<Tray.Item> items = items(shown, quit);
        assertEquals(List.of("Show SpareCycles", "Snooze 1 hour", "Suspend", "Resume", "Quit"),
                items.stream().map(Tray.Item::label).toList());

        action(items, "Suspend").run();
        assertEquals(ActivityMode.SUSPENDED, manager.mode());
        action(items, "Resume").run();
        assertEquals(ActivityMode.ALWAYS, manager.mode(), "back to what was chosen before");
        action(items, "Snooze 1 hour").run();
        Await.until(() -> manager.status().snoozeUntil() != null, Duration.ofSeconds(10), () -> "not snoozed");
        assertTrue(manager.status().snoozeUntil().isAfter(Instant.now().plusSeconds(3500)));
        action(items, "Show SpareCycles").run();
        action(items, "Quit").run();
        assertEquals(1, shown.get());
        assertEquals(1, quit.get());
    }

    @Test
    void withoutATrayNothingIsInstalledAndNothingFails() throws Exception {
        Xvfb.display(); // a real X server without a tray manager
        List<Tray.Item> items = items(new AtomicInteger(), new AtomicInteger());

        assertTrue(Tray.install(items).isEmpty());
    }
}

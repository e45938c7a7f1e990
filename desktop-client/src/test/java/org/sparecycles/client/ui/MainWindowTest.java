package org.sparecycles.client.ui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javafx.scene.Scene;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.idle.InputIdleSources;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerOptions;
import org.sparecycles.client.policy.ActivityMode;
import org.sparecycles.client.testing.Await;
import org.sparecycles.client.testing.AppStage;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The main window on a real stage (under Xvfb) once the first-run wizard is closed: idle, it is not drawn again
 * (JavaFX runs no pulse), and a change still shows at once. No input-idle signal, so the status stands still.
 */
class MainWindowTest {
    /** A window that keeps pulsing does 60 a second; an idle one does none, give or take a stray focus change. */
    private static final int PULSES = 30;
    private static final Duration IDLE = Duration.ofSeconds(3);

    @TempDir
    Path tmp;
    private ClientManager manager;
    private SpareCyclesApp app;
    private final FxRobot robot = new FxRobot();

    @BeforeAll
    static void display() throws Exception {
        AppStage.display();
    }

    @BeforeEach
    void open() throws Exception {
        manager = ClientManager.open(ManagerOptions.defaults(tmp), Clock.systemUTC(), InputIdleSources.unknown());
        manager.start();
        app = (SpareCyclesApp) FxToolkit.setupApplication(() -> new SpareCyclesApp(manager));
        await(() -> showing("SpareCycles - Add project"), () -> "the first-run wizard did not open");
        robot.push(KeyCode.ESCAPE);
        await(() -> !showing("SpareCycles - Add project"), () -> "Escape did not close the wizard");
        await(() -> manager.status().decision() != null && !hold().startsWith("Starting"),
                () -> "the window never showed the policy's decision: " + hold());
    }

    @AfterEach
    void close() throws Exception {
        AppStage.close(app, manager);
    }

    @Test
    void idleWindowIsNotDrawnAgain() throws Exception {
        Scene scene = app.window().tabs().getScene();
        CountDownLatch pulses = new CountDownLatch(PULSES);
        AtomicInteger seen = new AtomicInteger();
        Runnable count = () -> {
            seen.incrementAndGet();
            pulses.countDown();
        };
        robot.interact(() -> scene.addPostLayoutPulseListener(count));
        try {
            assertFalse(pulses.await(IDLE.toMillis(), TimeUnit.MILLISECONDS),
                    "the idle window pulsed " + PULSES + " times within " + IDLE.toSeconds() + " s");
        } finally {
            robot.interact(() -> scene.removePostLayoutPulseListener(count));
        }
        assertTrue(seen.get() < PULSES, seen + " pulses");
    }

    @Test
    void changesShowPromptly() throws Exception {
        ChoiceBox<?> activity = robot.lookup("#activity").queryAs(ChoiceBox.class);
        manager.setMode(ActivityMode.SUSPENDED);
        await(() -> activity.getValue() == ActivityMode.SUSPENDED && hold().startsWith("Computing held"),
                () -> "the window did not show the suspension: " + hold());

        manager.events().add("client", "an event while the event log is hidden");
        TabPane tabs = app.window().tabs();
        robot.interact(() -> tabs.getSelectionModel().select(4));
        ListView<String> events = robot.lookup("#eventList").queryListView();
        assertTrue(events.getItems().stream().anyMatch(l -> l.contains("an event while the event log is hidden")),
                "the event log, when chosen, did not show the new event: " + events.getItems());
    }

    private String hold() {
        return robot.lookup("#holdLabel").tryQuery().map(n -> ((Label) n).getText()).orElse("");
    }

    private static boolean showing(String title) {
        return Window.getWindows().stream().anyMatch(w -> w instanceof Stage s && title.equals(s.getTitle())
                && s.isShowing());
    }

    private static void await(Await.Condition c, Supplier<String> message) throws Exception {
        Await.until(() -> {
            WaitForAsyncUtils.waitForFxEvents();
            return c.holds();
        }, Duration.ofSeconds(20), message);
    }
}

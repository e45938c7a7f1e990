package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javafx.scene.Node;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.idle.InputIdleSources;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerOptions;
import org.sparecycles.client.testing.Await;
import org.sparecycles.client.testing.AppStage;
import org.sparecycles.client.ui.SpareCyclesApp;
import org.sparecycles.client.ui.Theme;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The app driven by the keyboard alone, on a real stage under Xvfb: Escape leaves the first-run wizard, Tab walks
 * the main actions, Shortcut+digit picks a view, a mnemonic snoozes, Shortcut+Comma opens the preferences where a
 * look is chosen with the arrow keys, and Escape closes them. No mouse event is sent.
 */
class KeyboardTest {
    @TempDir
    Path tmp;
    private ClientManager manager;
    private SpareCyclesApp app;
    private final FxRobot robot = new FxRobot();

    @BeforeAll
    static void display() throws Exception {
        AppStage.display();
    }

    @AfterEach
    void close() throws Exception {
        AppStage.close(app, manager);
    }

    @Test
    void mainActionsWorkFromTheKeyboardAlone() throws Exception {
        manager = ClientManager.open(ManagerOptions.defaults(tmp), Clock.systemUTC(), InputIdleSources.unknown());
        manager.start();
        app = (SpareCyclesApp) FxToolkit.setupApplication(() -> new SpareCyclesApp(manager));

        await(() -> showing("SpareCycles - Add project"), "the first-run wizard did not open");
        robot.push(KeyCode.ESCAPE);
        await(() -> !showing("SpareCycles - Add project"), "Escape did not close the wizard");
        await(() -> focused("SpareCycles"), "the main window did not get the focus back");

        Set<String> visited = new HashSet<>();
        for (int i = 0; i < 12 && !visited.contains("snooze"); i++) {
            robot.push(KeyCode.TAB);
            WaitForAsyncUtils.waitForFxEvents();
            Node owner = stage("SpareCycles").getScene().getFocusOwner();
            if (owner != null && owner.getId() != null) {
                visited.add(owner.getId());
            }
        }
        assertTrue(visited.containsAll(Set.of("activity", "snooze")), "Tab reached only " + visited);

        TabPane tabs = robot.lookup("#views").queryAs(TabPane.class);
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT2);
        await(() -> tabs.getSelectionModel().getSelectedIndex() == 1, "Ctrl+2 did not show Projects");
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT5);
        await(() -> tabs.getSelectionModel().getSelectedIndex() == 4, "Ctrl+5 did not show the event log");

        robot.push(KeyCode.ALT, KeyCode.Z);
        await(() -> manager.status().snoozeUntil() != null, "Alt+Z (Snooze) did nothing");

        robot.push(KeyCode.CONTROL, KeyCode.COMMA);
        await(() -> showing("SpareCycles - Preferences"), "Ctrl+Comma did not open the preferences");
        await(() -> focused("SpareCycles - Preferences"), "the preferences did not get the focus");
        robot.push(KeyCode.ALT, KeyCode.L); // the Look label's mnemonic focuses its choice box
        robot.push(KeyCode.SPACE);
        robot.push(KeyCode.DOWN);
        robot.push(KeyCode.DOWN);
        robot.push(KeyCode.ENTER);
        await(() -> Theme.load(tmp) == Theme.DARK, "the look was not chosen: " + Theme.load(tmp));
        assertTrue(stage("SpareCycles").getScene().getStylesheets().get(0).endsWith("dark.css"));
        robot.push(KeyCode.ESCAPE);
        await(() -> !showing("SpareCycles - Preferences"), "Escape did not close the preferences");
        assertEquals(Theme.DARK, Theme.load(tmp), "the look is remembered");
    }

    private static Stage stage(String title) {
        return (Stage) Window.getWindows().stream()
                .filter(w -> w instanceof Stage s && title.equals(s.getTitle()) && s.isShowing())
                .findFirst().orElseThrow();
    }

    private static boolean showing(String title) {
        return Window.getWindows().stream().anyMatch(w -> w instanceof Stage s && title.equals(s.getTitle())
                && s.isShowing());
    }

    private static boolean focused(String title) {
        return Window.getWindows().stream().anyMatch(w -> w instanceof Stage s && title.equals(s.getTitle())
                && s.isFocused());
    }

    private static void await(Await.Condition c, String message) throws Exception {
        Await.until(() -> {
            WaitForAsyncUtils.waitForFxEvents();
            return c.holds();
        }, Duration.ofSeconds(20), () -> message);
    }
}

package org.sparecycles.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.client.idle.InputIdleSources;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerOptions;
import org.sparecycles.client.prefs.Preferences;
import org.sparecycles.client.testing.Screenshots;
import org.sparecycles.client.testing.AppStage;
import org.sparecycles.client.ui.SpareCyclesApp;
import org.sparecycles.client.ui.Theme;
import org.sparecycles.client.ui.tasks.TasksView;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.workunits.protocol.RedundancyPolicy;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The desktop app on a real stage (under its own Xvfb) against a real server on port 0: the first-run wizard
 * attaches, tasks appear and progress, credit shows; preferences saved in the window survive a restart. Takes
 * the screenshots of the volunteer guide on the way (into {@code target/screenshots}).
 */
class DesktopAppTest {
    private static final Path SHOTS = Path.of("target", "screenshots");

    @TempDir
    Path tmp;
    private ProjectServer server;
    private ClientManager manager;
    private final FxRobot robot = new FxRobot();
    private javafx.application.Application app;

    @BeforeAll
    static void display() throws Exception {
        AppStage.display();
    }

    @AfterEach
    void close() throws Exception {
        AppStage.close(app, manager, server);
    }

    @Test
    void wizardAttachesTasksRunAndCreditShowsAndPreferencesSurviveARestart() throws Exception {
        server = ProjectServer.start(ServerConfig.builder().port(0).dataDir(tmp.resolve("server"))
                .backgroundIntervalSeconds(1).schedulerRequestDelaySeconds(1).schedulerIdleDelaySeconds(1).build());
        server.accounts().create("researcher@ui.test", "researcher-password", "Researcher", Set.of(Role.RESEARCHER));
        Researcher researcher = Researcher.logIn(server.baseUri(), "researcher@ui.test", "researcher-password");
        long project = researcher.createProject("Cell counting").id();
        researcher.submit(project, List.of("blobs.png", "dotblot.png", "blobs_original_indexed.png"),
                Map.of("sigma", "1", "polarity", "dark", "min_area", "10"), new RedundancyPolicy(1, 1, 3, 6, 86_400), 3);

        Path data = tmp.resolve("client");
        manager = open(data);
        manager.setPreferences(Preferences.defaults().withComputeWhileInUse(true)); // no idle signal in this test
        manager.start();
        app = FxToolkit.setupApplication(() -> new SpareCyclesApp(manager));

        // first run: the wizard opens by itself
        Stage wizard = awaitWindow("SpareCycles - Add project");
        shot(wizard, "client-wizard-server.png", () -> setText("#serverUrl", server.baseUri().toString()));
        robot.clickOn("#wizardNext");
        await(() -> robot.lookup("#project-" + project).tryQuery().isPresent(), "the project list never showed");
        shot(wizard, "client-wizard-projects.png", () -> { });
        robot.clickOn("#wizardNext");
        setText("#email", "volunteer@ui.test");
        setText("#password", "volunteer-password");
        shot(wizard, "client-wizard-account.png", () -> { });
        robot.clickOn("#wizardAttach");
        await(() -> !wizard.isShowing(), "the wizard did not close: " + text("#wizardError"));

        TableView<TasksView.Row> tasks = robot.lookup("#tasksTable").queryTableView();
        await(() -> !tasks.getItems().isEmpty(), "no tasks appeared");
        await(() -> tasks.getItems().stream().anyMatch(r -> r.task().state().equals("RUNNING")
                && r.task().progress() > 0 && r.task().progress() < 1), "no progress moved");
        shotTab("Tasks", "client-tasks.png");
        select("Statistics"); // a view is refreshed while it shows
        await(() -> text("#creditLabel").matches("This host: (?!0\\.0000 |0\\.00 )[0-9.,]+ credit.*"),
                "no credit showed: " + text("#creditLabel"));
        shotTab("Projects", "client-projects.png");
        shotTab("Transfers", "client-transfers.png");
        await(() -> manager.creditHistory().size() >= 2, "no credit history");
        shotTab("Statistics", "client-statistics.png");
        shotTab("Event log", "client-event-log.png");
        SpareCyclesApp ui = (SpareCyclesApp) app;
        robot.interact(() -> ui.window().setTheme(Theme.DARK)); // as the preferences' Look choice does
        shotTab("Tasks", "client-tasks-dark.png");
        shotTab("Projects", "client-projects-dark.png");
        shotTab("Statistics", "client-statistics-dark.png");
        robot.interact(() -> ui.window().setTheme(Theme.LIGHT));

        robot.clickOn("#openPreferences");
        Stage prefs = awaitWindow("SpareCycles - Preferences");
        setText("#idleMinutes", "7");
        setText("#notInUseCores", "75");
        robot.clickOn("#savePreferences");
        await(() -> text("#preferencesError").startsWith("Saved"), "not saved: " + text("#preferencesError"));
        shot(prefs, "client-preferences.png", () -> { });
        assertEquals(7, manager.preferences().idleMinutes());

        FxToolkit.cleanupStages();
        manager.close();
        manager = open(data);
        assertEquals(7, manager.preferences().idleMinutes(), "preferences after a restart");
        assertEquals(75, manager.preferences().notInUse().coresPercent());
        assertEquals(1, manager.status().projects().size(), "attachment after a restart");
        assertTrue(Files.isRegularFile(data.resolve("preferences.json")));
    }

    private ClientManager open(Path data) throws Exception {
        ManagerOptions options = ManagerOptions.defaults(data).withCreditPoll(Duration.ofSeconds(1))
                .withTaskDelay(Duration.ofMillis(1500)).withCores(2);
        return ClientManager.open(options, Clock.systemDefaultZone(), InputIdleSources.unknown());
    }

    private Stage awaitWindow(String title) throws Exception {
        await(() -> Window.getWindows().stream().anyMatch(w -> w instanceof Stage s && title.equals(s.getTitle())
                && s.isShowing()), "no window " + title);
        return (Stage) Window.getWindows().stream().filter(w -> w instanceof Stage s && title.equals(s.getTitle()))
                .findFirst().orElseThrow();
    }

    private void setText(String query, String value) {
        TextField field = robot.lookup(query).queryAs(TextField.class);
        robot.clickOn(field);
        robot.interact(() -> field.setText(value));
    }

    private String text(String query) {
        return robot.lookup(query).tryQuery().map(n -> n instanceof Label l ? l.getText() : "").orElse("");
    }

    private TabPane select(String title) {
        TabPane tabs = robot.lookup("#views").queryAs(TabPane.class);
        robot.interact(() -> tabs.getTabs().stream().filter(t -> t.getText().equals(title)).findFirst()
                .ifPresent(t -> tabs.getSelectionModel().select(t)));
        return tabs;
    }

    private void shotTab(String title, String file) throws Exception {
        TabPane tabs = select(title);
        WaitForAsyncUtils.waitForFxEvents();
        Node view = tabs.getSelectionModel().getSelectedItem().getContent();
        robot.interact(() -> { });
        snapshot((Stage) view.getScene().getWindow(), file);
    }

    private void shot(Stage stage, String file, Runnable prepare) throws Exception {
        prepare.run();
        WaitForAsyncUtils.waitForFxEvents();
        snapshot(stage, file);
    }

    private static void snapshot(Stage stage, String file) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            Screenshots.write(stage.getScene(), SHOTS.resolve(file));
            return null;
        }).get(30, TimeUnit.SECONDS);
    }

    private static void await(org.sparecycles.client.testing.Await.Condition c, String message) throws Exception {
        org.sparecycles.client.testing.Await.until(() -> {
            WaitForAsyncUtils.waitForFxEvents();
            return c.holds();
        }, Duration.ofSeconds(90), () -> message);
    }
}

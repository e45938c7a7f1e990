package org.sparecycles.client.ui;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.Stage;
import javafx.util.StringConverter;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerStatus;
import org.sparecycles.client.policy.ActivityMode;
import org.sparecycles.client.ui.events.EventLogView;
import org.sparecycles.client.ui.prefs.PreferencesDialog;
import org.sparecycles.client.ui.projects.LoginDialog;
import org.sparecycles.client.ui.projects.ProjectsView;
import org.sparecycles.client.ui.stats.StatisticsView;
import org.sparecycles.client.ui.tasks.TasksView;
import org.sparecycles.client.ui.transfers.TransfersView;
import org.sparecycles.client.ui.wizard.AttachWizard;

/**
 * The main window: activity controls and the reason computing is held on top, then the views as tabs. Reads the
 * manager's status twice a second on the FX thread (the manager and engines never touch JavaFX) into the view on
 * show, and changes a node only when what it shows changed, so an idle window is not drawn again.
 */
public final class MainWindow {
    private final ClientManager manager;
    private final Stage stage;
    private Theme theme;
    private final TasksView tasks;
    private final ProjectsView projects;
    private final TransfersView transfers;
    private final StatisticsView statistics;
    private final EventLogView eventLog;
    private final TabPane tabs = new TabPane();
    private final Map<Tab, Consumer<ManagerStatus>> views = new HashMap<>();
    private final Label hold = new Label();
    private final ChoiceBox<ActivityMode> activity = new ChoiceBox<>();
    /** Not a Timeline: a running animation makes JavaFX pulse 60 times a second, even between key frames. */
    private final ScheduledExecutorService refresh = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sparecycles-ui-refresh");
        t.setDaemon(true);
        return t;
    });
    private boolean updatingActivity;
    private final java.util.Set<String> asking = new java.util.HashSet<>();

    public MainWindow(ClientManager manager, Stage stage, Theme theme) {
        this.manager = manager;
        this.stage = stage;
        this.theme = theme;
        tasks = new TasksView(manager);
        projects = new ProjectsView(manager, this::openWizard);
        transfers = new TransfersView(manager);
        statistics = new StatisticsView(manager);
        eventLog = new EventLogView(manager);
        tabs.setId("views");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        view("Tasks", tasks.node(), tasks::refresh);
        view("Projects", projects.node(), projects::refresh);
        view("Transfers", transfers.node(), transfers::refresh);
        view("Statistics", statistics.node(), statistics::refresh);
        view("Event log", eventLog.node(), s -> eventLog.refresh());
        tabs.getSelectionModel().selectedItemProperty().addListener((o, before, shown) -> refresh());

        activity.setId("activity");
        activity.getItems().setAll(ActivityMode.values());
        activity.setConverter(new StringConverter<>() {
            @Override
            public String toString(ActivityMode m) {
                return m == null ? "" : m.label();
            }

            @Override
            public ActivityMode fromString(String s) {
                return null;
            }
        });
        activity.setValue(manager.status().mode());
        activity.valueProperty().addListener((o, a, m) -> {
            if (!updatingActivity && m != null) {
                manager.setMode(m);
            }
        });
        activity.setAccessibleText("Activity");
        Button snooze = new Button("Snoo_ze 1 h");
        snooze.setId("snooze");
        snooze.setOnAction(e -> manager.snooze(Duration.ofHours(1)));
        Button pause = new Button("Pause after _checkpoint");
        pause.setId("pauseAfterCheckpoint");
        pause.setOnAction(e -> manager.pauseAfterCheckpoint());
        Button add = new Button("_Add project…");
        add.setId("addProjectTop");
        add.setOnAction(e -> openWizard());
        Button prefs = new Button("_Preferences…");
        prefs.setId("openPreferences");
        prefs.setOnAction(e -> openPreferences());
        hold.setId("holdLabel");
        hold.setWrapText(true);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox top = new HBox(8, new Label("Activity:"), activity, snooze, pause, gap, add, prefs);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(8, 8, 4, 8));
        HBox statusLine = new HBox(hold);
        statusLine.setPadding(new Insets(0, 8, 4, 8));
        BorderPane root = new BorderPane(tabs);
        root.setTop(new javafx.scene.layout.VBox(top, statusLine));
        Scene scene = new Scene(root, 1280, 800);
        accelerators(scene);
        theme.apply(scene);
        stage.setScene(scene);
        stage.setTitle("SpareCycles");
        stage.setMinWidth(960);
        stage.setMinHeight(600);
    }

    /**
     * Keys for the main actions (Shortcut is Ctrl, or Cmd on macOS): Shortcut+1..5 the views, Shortcut+Comma the
     * preferences, Shortcut+N add a project. Buttons also carry mnemonics (Alt+letter), and Tab moves the focus.
     */
    private void accelerators(Scene scene) {
        var keys = scene.getAccelerators();
        KeyCode[] digits = {KeyCode.DIGIT1, KeyCode.DIGIT2, KeyCode.DIGIT3, KeyCode.DIGIT4, KeyCode.DIGIT5};
        for (int i = 0; i < digits.length; i++) {
            int index = i;
            keys.put(new KeyCodeCombination(digits[i], KeyCombination.SHORTCUT_DOWN),
                    () -> tabs.getSelectionModel().select(index));
        }
        keys.put(new KeyCodeCombination(KeyCode.COMMA, KeyCombination.SHORTCUT_DOWN), this::openPreferences);
        keys.put(new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN), this::openWizard);
    }

    private void openPreferences() {
        new PreferencesDialog(manager, stage, theme, this::setTheme).stage().show();
    }

    /** Changes the look of the main window (dialogs opened later follow) and remembers it. */
    public void setTheme(Theme next) {
        theme = next;
        theme.apply(stage.getScene());
        try {
            next.save(manager.dataDir());
        } catch (java.io.IOException e) {
            manager.events().add("client", "cannot save the look: " + e.getMessage());
        }
    }

    private void view(String title, javafx.scene.Node content, Consumer<ManagerStatus> refresh) {
        Tab t = new Tab(title, content);
        t.setId("tab-" + title.toLowerCase().replace(' ', '-'));
        tabs.getTabs().add(t);
        views.put(t, refresh);
    }

    public void show() {
        refresh();
        refresh.scheduleWithFixedDelay(() -> Platform.runLater(this::refresh), 500, 500, TimeUnit.MILLISECONDS);
        stage.show();
        if (manager.status().projects().isEmpty()) {
            openWizard(); // first run
        }
    }

    public void stop() {
        refresh.shutdownNow();
    }

    public TabPane tabs() {
        return tabs;
    }

    private void openWizard() {
        new AttachWizard(manager, stage, theme).show();
    }

    private void refresh() {
        ManagerStatus s = manager.status();
        updatingActivity = true;
        activity.setValue(s.mode());
        updatingActivity = false;
        String style = s.hold() == null ? "ok-label" : "hold-label";
        if (!hold.getStyleClass().contains(style)) { // equal classes again: nothing to draw, so all is drawn
            hold.getStyleClass().setAll("label", style);
        }
        hold.setText(holdText(s));
        askPasswords(s);
        // Only the view on show, and a view as it is chosen: a change in a hidden tab changes nothing on screen,
        // and a pulse with nothing to draw makes JavaFX draw the whole window again.
        Consumer<ManagerStatus> shown = views.get(tabs.getSelectionModel().getSelectedItem());
        if (shown != null) {
            shown.accept(s);
        }
    }

    /** Opens one log-in dialog per attachment whose saved log-in the server refused. */
    private void askPasswords(ManagerStatus s) {
        for (ManagerStatus.Project p : s.projects()) {
            String id = p.settings().id();
            if (p.loginNeeded() == null) {
                asking.remove(id);
            } else if (asking.add(id)) {
                new LoginDialog(manager, p, stage, theme).stage().show();
            }
        }
    }

    static String holdText(ManagerStatus s) {
        if (s.decision() == null) {
            return "Starting…";
        }
        String idle = s.inputIdle() == null ? "" : " (last input " + Format.ago(s.inputIdle()) + " ago)";
        return s.hold() == null ? "Computing allowed: " + s.decision().reason() + idle
                : "Computing held: " + s.hold();
    }
}

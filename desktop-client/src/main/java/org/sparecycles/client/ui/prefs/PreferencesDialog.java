package org.sparecycles.client.ui.prefs;

import java.io.IOException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.StringConverter;
import org.sparecycles.client.autostart.LoginStart;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.prefs.Preferences;
import org.sparecycles.client.ui.Background;
import org.sparecycles.client.ui.Theme;
import org.sparecycles.client.ui.Windows;

/** The Preferences window: every computing preference; Save stores and applies them at once. */
public final class PreferencesDialog {
    private final ClientManager manager;
    private final Stage stage = new Stage();
    private final Label error = new Label();
    private final CheckBox whileInUse = new CheckBox("Compute while the computer is in _use");
    private final TextField idleMinutes = field("idleMinutes");
    private final TextField[] inUse = limits("inUse");
    private final TextField[] notInUse = limits("notInUse");
    private final CheckBox onBattery = new CheckBox("Compute while on _battery");
    private final TextField window = field("timeWindow");
    private final Map<DayOfWeek, TextField> days = new EnumMap<>(DayOfWeek.class);
    private final TextField disk = field("diskMaxGb");
    private final TextField checkpoint = field("checkpointSeconds");
    private final TextField minBuffer = field("minBufferDays");
    private final TextField extraBuffer = field("extraBufferDays");

    public PreferencesDialog(ClientManager manager, Window owner, Theme theme) {
        this(manager, owner, theme, t -> { });
    }

    /** @param onLook called (on the FX thread) when the volunteer picks another look; applied at once */
    public PreferencesDialog(ClientManager manager, Window owner, Theme theme, Consumer<Theme> onLook) {
        this.manager = manager;
        stage.setTitle("SpareCycles - Preferences");
        if (owner != null) {
            stage.initOwner(owner);
            stage.initModality(Modality.WINDOW_MODAL);
        }
        whileInUse.setId("computeWhileInUse");
        onBattery.setId("computeOnBattery");
        error.setId("preferencesError");
        error.getStyleClass().add("hold-label");
        GridPane g = new GridPane();
        g.setHgap(10);
        g.setVgap(6);
        int row = 0;
        ChoiceBox<Theme> look = new ChoiceBox<>();
        look.setId("theme");
        look.getItems().setAll(Theme.values());
        look.setConverter(new StringConverter<>() {
            @Override
            public String toString(Theme t) {
                return t == null ? "" : t.label();
            }

            @Override
            public Theme fromString(String s) {
                return null;
            }
        });
        look.setValue(theme);
        Label lookLabel = new Label("_Look:");
        lookLabel.setLabelFor(look);
        g.addRow(row++, lookLabel, look);
        g.add(loginStart(), 0, row++, 3, 1);
        g.add(whileInUse, 0, row++, 3, 1);
        g.addRow(row++, new Label("In use means input within (minutes):"), idleMinutes);
        g.addRow(row++, new Label(""), new Label("In use"), new Label("Not in use"));
        String[] names = {"Use at most % of the cores", "Use at most % of CPU time",
                "Use at most % of memory", "Suspend when other programs use more than % CPU (0: never)"};
        for (int i = 0; i < names.length; i++) {
            g.addRow(row++, new Label(names[i]), inUse[i], notInUse[i]);
        }
        g.add(onBattery, 0, row++, 3, 1);
        g.addRow(row++, new Label("Compute only between (HH:mm-HH:mm, empty: any time):"), window);
        for (DayOfWeek d : DayOfWeek.values()) {
            TextField f = field("day-" + d.name().toLowerCase(Locale.ROOT));
            f.setPromptText("as above");
            days.put(d, f);
            g.addRow(row++, new Label("  on " + d.getDisplayName(TextStyle.FULL, Locale.ENGLISH) + ":"), f);
        }
        g.addRow(row++, new Label("Use at most this much disk (GB, 0: no limit):"), disk);
        g.addRow(row++, new Label("Checkpoint tasks at most every (seconds):"), checkpoint);
        g.addRow(row++, new Label("Store at least this much work (days):"), minBuffer);
        g.addRow(row++, new Label("Store up to this much more work (days):"), extraBuffer);
        Button save = new Button("_Save");
        save.setId("savePreferences");
        save.setDefaultButton(true);
        save.setOnAction(e -> save());
        Button cancel = new Button("_Close");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> stage.close());
        VBox box = new VBox(10, g, new HBox(8, save, cancel), error);
        box.setPadding(new Insets(16));
        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        Scene scene = new Scene(scroll, 760, 700);
        theme.apply(scene);
        look.valueProperty().addListener((o, before, t) -> {
            if (t != null) {
                t.apply(scene);
                onLook.accept(t);
            }
        });
        stage.setScene(scene);
        Windows.releaseFocusWhenHidden(stage);
        show(manager.preferences());
    }

    /** "Start at log-in" applies at once, like the look: it is the autostart entry, not a computing preference. */
    private CheckBox loginStart() {
        LoginStart start = LoginStart.forThisUser();
        CheckBox box = new CheckBox("Start SpareCycles when I log _in");
        box.setId("startAtLogin");
        box.setSelected(start.enabled());
        box.setDisable(!start.supported());
        box.selectedProperty().addListener((o, before, on) -> {
            try {
                start.setEnabled(on);
            } catch (IOException e) {
                error.setText("Start at log-in not changed: " + e.getMessage());
            }
        });
        return box;
    }

    public Stage stage() {
        return stage;
    }

    private void show(Preferences p) {
        whileInUse.setSelected(p.computeWhileInUse());
        idleMinutes.setText(number(p.idleMinutes()));
        fill(inUse, p.inUse());
        fill(notInUse, p.notInUse());
        onBattery.setSelected(p.computeOnBattery());
        window.setText(p.window().isAlways() ? "" : p.window().start() + "-" + p.window().end());
        days.forEach((d, f) -> f.setText(p.dayWindows().containsKey(d) ? p.dayWindows().get(d).start() + "-"
                + p.dayWindows().get(d).end() : ""));
        disk.setText(number(p.diskMaxGb()));
        checkpoint.setText(Integer.toString(p.checkpointSeconds()));
        minBuffer.setText(number(p.minBufferDays()));
        extraBuffer.setText(number(p.extraBufferDays()));
    }

    private void save() {
        List<String> problems = new ArrayList<>();
        Preferences p;
        try {
            Map<DayOfWeek, Preferences.TimeWindow> overrides = new EnumMap<>(DayOfWeek.class);
            days.forEach((d, f) -> {
                if (!f.getText().isBlank()) {
                    overrides.put(d, window(f.getText()));
                }
            });
            p = new Preferences(whileInUse.isSelected(), Double.parseDouble(idleMinutes.getText().trim()),
                    limits(inUse), limits(notInUse), onBattery.isSelected(),
                    window.getText().isBlank() ? Preferences.TimeWindow.ALWAYS : window(window.getText()), overrides,
                    Double.parseDouble(disk.getText().trim()), Integer.parseInt(checkpoint.getText().trim()),
                    Double.parseDouble(minBuffer.getText().trim()), Double.parseDouble(extraBuffer.getText().trim()));
            problems.addAll(p.problems());
        } catch (RuntimeException e) {
            error.setText("Not saved: " + e.getMessage());
            return;
        }
        if (!problems.isEmpty()) {
            error.setText("Not saved: " + String.join("; ", problems));
            return;
        }
        Preferences valid = p;
        Task<Void> task = new Task<>() {
            @Override
            protected Void call() throws Exception {
                manager.setPreferences(valid);
                return null;
            }
        };
        task.setOnSucceeded(e -> error.setText("Saved and applied."));
        task.setOnFailed(e -> error.setText("Not saved: " + task.getException().getMessage()));
        Background.run(task);
    }

    private static Preferences.TimeWindow window(String text) {
        String[] parts = text.trim().split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException("'" + text + "' is not HH:mm-HH:mm");
        }
        return new Preferences.TimeWindow(LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim()));
    }

    private static Preferences.UsageLimits limits(TextField[] f) {
        return new Preferences.UsageLimits(Integer.parseInt(f[0].getText().trim()),
                Integer.parseInt(f[1].getText().trim()), Integer.parseInt(f[2].getText().trim()),
                Integer.parseInt(f[3].getText().trim()));
    }

    private static void fill(TextField[] f, Preferences.UsageLimits l) {
        f[0].setText(Integer.toString(l.coresPercent()));
        f[1].setText(Integer.toString(l.cpuTimePercent()));
        f[2].setText(Integer.toString(l.memoryPercent()));
        f[3].setText(Integer.toString(l.suspendAboveOtherCpuPercent()));
    }

    private static TextField[] limits(String prefix) {
        return new TextField[] {field(prefix + "Cores"), field(prefix + "CpuTime"), field(prefix + "Memory"),
                field(prefix + "OtherCpu")};
    }

    private static TextField field(String id) {
        TextField f = new TextField();
        f.setId(id);
        f.setPrefColumnCount(8);
        return f;
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}

package org.sparecycles.client.ui.wizard;

import java.util.List;
import java.util.stream.Collectors;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.ui.Background;
import org.sparecycles.client.ui.Theme;
import org.sparecycles.client.ui.Windows;
import org.sparecycles.workunits.protocol.AppInfo;
import org.sparecycles.workunits.protocol.ProjectInfo;

/**
 * The attach wizard (first run, and "Add project" later): a server URL, the server's projects with what a host
 * needs, then an account (create or log in). Network calls run in the background; errors show in the page.
 */
public final class AttachWizard {
    private final ClientManager manager;
    private final Stage stage = new Stage();
    private final VBox page = new VBox(12);
    private final Label error = new Label();
    private String server;
    private List<ProjectInfo> projects = List.of();

    public AttachWizard(ClientManager manager, Window owner, Theme theme) {
        this.manager = manager;
        stage.setTitle("SpareCycles - Add project");
        if (owner != null) {
            stage.initOwner(owner);
            stage.initModality(Modality.WINDOW_MODAL);
        }
        error.setId("wizardError");
        error.getStyleClass().add("hold-label");
        error.setWrapText(true);
        page.setPadding(new Insets(20));
        Scene scene = new Scene(page, 720, 520);
        scene.addEventHandler(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ESCAPE) {
                stage.close(); // keyboard users leave the wizard as they leave a dialog
            }
        });
        theme.apply(scene);
        stage.setScene(scene);
        Windows.releaseFocusWhenHidden(stage);
        serverPage();
    }

    public Stage stage() {
        return stage;
    }

    public void show() {
        stage.show();
    }

    private void serverPage() {
        Label title = title("Step 1 of 3: Which server?");
        Label help = new Label("Enter the address of a SpareCycles project server, for example"
                + " https://cells.example.org. Your computer will work for projects hosted there.");
        help.setWrapText(true);
        TextField url = new TextField(server == null ? "" : server);
        url.setId("serverUrl");
        url.setPromptText("https://...");
        Label urlLabel = new Label("Server _URL:");
        urlLabel.setLabelFor(url);
        Button next = new Button("_Next");
        next.setId("wizardNext");
        next.setDefaultButton(true);
        next.setOnAction(e -> {
            next.setDisable(true);
            error.setText("Contacting " + url.getText().trim() + "…");
            String text = url.getText().trim();
            Task<List<ProjectInfo>> load = new Task<>() {
                @Override
                protected List<ProjectInfo> call() throws Exception {
                    return ClientManager.listProjects(text);
                }
            };
            load.setOnSucceeded(ev -> {
                server = text;
                projects = load.getValue();
                error.setText("");
                projectsPage();
            });
            load.setOnFailed(ev -> {
                next.setDisable(false);
                error.setText("Cannot list the projects of " + text + ": " + load.getException().getMessage());
            });
            Background.run(load);
        });
        page.getChildren().setAll(title, help, new HBox(8, urlLabel, url), buttons(next), error);
        HBox.setHgrow(url, Priority.ALWAYS);
        url.requestFocus();
    }

    private void projectsPage() {
        Label title = title("Step 2 of 3: Choose projects on " + server);
        VBox list = new VBox(10);
        list.setId("projectList");
        List<CheckBox> boxes = projects.stream().map(p -> {
            CheckBox box = new CheckBox(p.name());
            box.setId("project-" + p.id());
            box.setUserData(p);
            box.setSelected(projects.size() == 1);
            Label about = new Label(describe(p));
            about.setWrapText(true);
            about.setPadding(new Insets(0, 0, 0, 26));
            list.getChildren().addAll(box, about);
            return box;
        }).toList();
        if (projects.isEmpty()) {
            list.getChildren().add(new Label("This server has no projects yet."));
        }
        ScrollPane scroll = new ScrollPane(list);
        scroll.setFitToWidth(true);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        Button back = new Button("_Back");
        back.setOnAction(e -> serverPage());
        Button next = new Button("_Next");
        next.setId("wizardNext");
        next.setDefaultButton(true);
        next.setOnAction(e -> {
            List<ProjectInfo> chosen = boxes.stream().filter(CheckBox::isSelected)
                    .map(b -> (ProjectInfo) b.getUserData()).toList();
            if (chosen.isEmpty()) {
                error.setText("Choose at least one project.");
                return;
            }
            error.setText("");
            accountPage(chosen);
        });
        page.getChildren().setAll(title, scroll, buttons(back, next), error);
    }

    static String describe(ProjectInfo p) {
        String apps = p.apps().isEmpty() ? "no apps listed" : p.apps().stream()
                .map(AppInfo::id).collect(Collectors.joining(", "));
        return (p.description() == null || p.description().isBlank() ? "" : p.description() + "\n")
                + "Apps: " + apps + ". Needs: " + Math.max(1, p.minCores()) + " core(s), "
                + p.minMemoryBytes() / (1 << 20) + " MiB memory, " + p.minDiskBytes() / (1 << 20) + " MiB disk.";
    }

    private void accountPage(List<ProjectInfo> chosen) {
        Label title = title("Step 3 of 3: Your account on " + server);
        ToggleGroup kind = new ToggleGroup();
        RadioButton create = new RadioButton("_Create a new account");
        create.setId("createAccount");
        create.setToggleGroup(kind);
        create.setSelected(true);
        RadioButton login = new RadioButton("I already have an account: _log in");
        login.setId("loginAccount");
        login.setToggleGroup(kind);
        TextField email = new TextField();
        email.setId("email");
        PasswordField password = new PasswordField();
        password.setId("password");
        TextField name = new TextField(System.getProperty("user.name", ""));
        name.setId("accountName");
        name.disableProperty().bind(login.selectedProperty());
        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(8);
        form.addRow(0, label("_E-mail:", email), email);
        form.addRow(1, label("_Password:", password), password);
        form.addRow(2, label("_Name (shown on the server):", name), name);
        Button back = new Button("_Back");
        back.setOnAction(e -> projectsPage());
        Button attach = new Button("_Attach");
        attach.setId("wizardAttach");
        attach.setDefaultButton(true);
        attach.setOnAction(e -> {
            attach.setDisable(true);
            error.setText("Attaching…");
            boolean creating = create.isSelected();
            String mail = email.getText().trim();
            String pass = password.getText();
            String who = name.getText().trim();
            Task<Void> task = new Task<>() {
                @Override
                protected Void call() throws Exception {
                    manager.attach(server, mail, pass, who.isEmpty() ? mail : who, creating, chosen);
                    return null;
                }
            };
            task.setOnSucceeded(ev -> stage.close());
            task.setOnFailed(ev -> {
                attach.setDisable(false);
                error.setText((creating ? "Cannot create the account: " : "Cannot log in: ")
                        + task.getException().getMessage());
            });
            Background.run(task);
        });
        page.getChildren().setAll(title, new Label("Joining: " + chosen.stream().map(ProjectInfo::name)
                .collect(Collectors.joining(", "))), create, login, form, buttons(back, attach), error);
        email.requestFocus();
    }

    private static Label title(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("wizard-title");
        l.setWrapText(true);
        return l;
    }

    private static Label label(String text, javafx.scene.Node target) {
        Label l = new Label(text);
        l.setLabelFor(target);
        l.setMnemonicParsing(true);
        return l;
    }

    private static HBox buttons(Button... buttons) {
        HBox box = new HBox(8, buttons);
        box.setPadding(new Insets(8, 0, 0, 0));
        return box;
    }
}

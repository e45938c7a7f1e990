package org.sparecycles.client.ui.projects;

import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerStatus;
import org.sparecycles.client.ui.Background;
import org.sparecycles.client.ui.Theme;
import org.sparecycles.client.ui.Windows;

/**
 * Asks for the password when a server refused the saved log-in, instead of failing silently; the log-in runs in the
 * background and the dialog closes when the server takes it.
 */
public final class LoginDialog {
    private final Stage stage = new Stage();

    public LoginDialog(ClientManager manager, ManagerStatus.Project p, Window owner, Theme theme) {
        stage.setTitle("SpareCycles - Log in again");
        if (owner != null) {
            stage.initOwner(owner);
        }
        Label why = new Label(p.settings().serverUrl() + " no longer accepts this computer's saved log-in for "
                + p.settings().email() + ". Enter the account's password to go on computing for "
                + p.settings().title() + ". Tasks on this computer are kept.");
        why.setWrapText(true);
        PasswordField password = new PasswordField();
        password.setId("reloginPassword");
        Label passwordLabel = new Label("_Password:");
        passwordLabel.setLabelFor(password);
        Label error = new Label();
        error.setId("reloginError");
        error.setWrapText(true);
        error.getStyleClass().add("hold-label");
        Button logIn = new Button("_Log in");
        logIn.setId("reloginButton");
        logIn.setDefaultButton(true);
        Button later = new Button("Later");
        later.setCancelButton(true);
        later.setOnAction(e -> stage.close());
        logIn.setOnAction(e -> {
            logIn.setDisable(true);
            error.setText("Logging in…");
            String text = password.getText();
            Task<Void> task = new Task<>() {
                @Override
                protected Void call() throws Exception {
                    manager.logIn(p.settings().id(), text);
                    return null;
                }
            };
            task.setOnSucceeded(ev -> stage.close());
            task.setOnFailed(ev -> {
                logIn.setDisable(false);
                error.setText("Not logged in: " + task.getException().getMessage());
            });
            Background.run(task);
        });
        VBox box = new VBox(10, why, new HBox(8, passwordLabel, password), new HBox(8, logIn, later), error);
        box.setPadding(new Insets(16));
        Scene scene = new Scene(box, 560, 220);
        theme.apply(scene);
        stage.setScene(scene);
        Windows.releaseFocusWhenHidden(stage);
    }

    public Stage stage() {
        return stage;
    }
}

package org.sparecycles.client.ui.projects;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputDialog;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerStatus;
import org.sparecycles.client.manager.ProjectSettings;
import org.sparecycles.client.ui.Background;
import org.sparecycles.client.ui.Format;

/** The Projects view: each attachment with credit, share and status, and its switches. */
public final class ProjectsView {
    private final ClientManager manager;
    private final TableView<ManagerStatus.Project> table = new TableView<>();
    private final BorderPane root = new BorderPane();

    public ProjectsView(ClientManager manager, Runnable addProject) {
        this.manager = manager;
        table.setId("projectsTable");
        table.setPlaceholder(new Label("Not attached to any project. Use \"Add project\" to choose one."));
        table.getColumns().add(column("Project", p -> p.settings().title(), 200));
        table.getColumns().add(column("Server", p -> p.settings().serverUrl(), 180));
        table.getColumns().add(column("Account", p -> p.settings().email(), 150));
        table.getColumns().add(column("Total credit", p -> p.credit() == null ? "" : Format.credit(p.credit().accountTotal()), 100));
        table.getColumns().add(column("Recent average", p -> p.credit() == null ? "" : Format.credit(p.credit().accountRecent()), 110));
        table.getColumns().add(column("Share", p -> String.format("%.0f", p.settings().share()), 60));
        table.getColumns().add(column("Status", ProjectsView::status, 260));
        Button add = new Button("_Add project…");
        add.setId("addProject");
        add.setOnAction(e -> addProject.run());
        Button update = button("_Update", "updateProject", p -> manager.engine(p.settings().id())
                .ifPresent(engine -> engine.updateNow()));
        Button suspend = button("Suspend", "suspendProject", p -> change(p, s -> s.withSuspended(!s.suspended())));
        Button noNew = button("No new tasks", "noNewTasks", p -> change(p, s -> s.withNoNewTasks(!s.noNewTasks())));
        Button share = button("Resource _share…", "shareProject", this::askShare);
        Button detach = button("_Detach…", "detachProject", this::confirmDetach);
        FlowPane actions = new FlowPane(8, 8, add, update, suspend, noNew, share, detach);
        actions.setPadding(new Insets(8, 0, 0, 0));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, p) -> {
            if (p != null) {
                suspend.setText(p.settings().suspended() ? "Resume" : "Suspend");
                noNew.setText(p.settings().noNewTasks() ? "Allow new tasks" : "No new tasks");
            }
        });
        root.setCenter(table);
        root.setBottom(actions);
        root.setPadding(new Insets(8));
    }

    static String status(ManagerStatus.Project p) {
        List<String> parts = new ArrayList<>();
        if (p.settings().suspended()) {
            parts.add("suspended by you");
        }
        if (p.settings().noNewTasks()) {
            parts.add("no new tasks");
        }
        if (p.snapshot() != null) {
            parts.add(p.snapshot().status());
        }
        return String.join("; ", parts);
    }

    private Button button(String text, String id, java.util.function.Consumer<ManagerStatus.Project> action) {
        Button b = new Button(text);
        b.setId(id);
        b.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        b.setOnAction(e -> {
            ManagerStatus.Project p = table.getSelectionModel().getSelectedItem();
            if (p != null) {
                action.accept(p);
            }
        });
        return b;
    }

    private void change(ManagerStatus.Project p, UnaryOperator<ProjectSettings> change) {
        Background.run(new Task<Void>() {
            @Override
            protected Void call() throws IOException {
                manager.update(p.settings().id(), change);
                return null;
            }
        });
    }

    private void askShare(ManagerStatus.Project p) {
        TextInputDialog d = new TextInputDialog(String.format("%.0f", p.settings().share()));
        d.setHeaderText("Resource share of " + p.settings().title());
        d.setContentText("Share (projects get CPU time in proportion to their shares; default 100):");
        d.showAndWait().ifPresent(text -> {
            try {
                double v = Double.parseDouble(text.trim());
                if (v > 0) {
                    change(p, s -> s.withShare(v));
                }
            } catch (NumberFormatException e) {
                new Alert(Alert.AlertType.ERROR, "'" + text + "' is not a number").showAndWait();
            }
        });
    }

    private void confirmDetach(ManagerStatus.Project p) {
        long inProgress = p.snapshot() == null ? 0 : p.snapshot().tasks().stream()
                .filter(t -> !t.state().equals("REPORTED") && !t.state().equals("ABORTED")).count();
        Alert confirm = new Alert(Alert.AlertType.CONFIRMATION, "Detach from " + p.settings().title() + "? "
                + (inProgress == 0 ? "No work is in progress."
                : inProgress + " task(s) not yet reported: finished results are reported now; unfinished tasks are"
                + " given up (their work on this computer is lost) and reported as given up, so the project sends"
                + " them to other volunteers at once. If the server cannot be reached, they are abandoned and sent"
                + " to others after their deadlines.")
                + " Your credit stays on the server.", ButtonType.OK, ButtonType.CANCEL);
        confirm.setHeaderText("Detach from this project?");
        confirm.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> Background.run(new Task<Void>() {
            @Override
            protected Void call() throws IOException {
                manager.detach(p.settings().id());
                return null;
            }
        }));
    }

    public Node node() {
        return root;
    }

    public void refresh(ManagerStatus status) {
        if (status.projects().equals(table.getItems())) {
            return; // setAll with equal rows would still lay out and draw the table again
        }
        ManagerStatus.Project selected = table.getSelectionModel().getSelectedItem();
        table.getItems().setAll(status.projects());
        if (selected != null) {
            status.projects().stream().filter(p -> p.settings().id().equals(selected.settings().id())).findFirst()
                    .ifPresent(p -> table.getSelectionModel().select(p));
        }
    }

    private static TableColumn<ManagerStatus.Project, String> column(String title,
            Function<ManagerStatus.Project, String> value, double width) {
        TableColumn<ManagerStatus.Project, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }
}

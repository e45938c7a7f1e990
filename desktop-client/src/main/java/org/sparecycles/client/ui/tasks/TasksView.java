package org.sparecycles.client.ui.tasks;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import org.sparecycles.client.engine.ClientEngine;
import org.sparecycles.client.engine.EngineSnapshot;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerStatus;
import org.sparecycles.client.ui.Format;

/** The Tasks view: every task of every attachment, with progress, times, status and per-task actions. */
public final class TasksView {
    /** One row: the task and the attachment it belongs to. */
    public record Row(String projectId, String project, EngineSnapshot.TaskView task) {
        public String status() {
            String s = switch (task.state()) {
                case "DOWNLOADING" -> "Downloading";
                case "READY" -> "Ready to start";
                case "RUNNING" -> "Running";
                case "UPLOADING" -> "Uploading";
                case "READY_TO_REPORT" -> task.outcome() != null && !"SUCCESS".equals(task.outcome())
                        ? "Error: " + task.errorMessage() : "Ready to report";
                case "REPORTED" -> "SUCCESS".equals(task.outcome()) ? "Reported: success" : "Reported: error";
                case "ABORTED" -> "Aborted";
                default -> task.state();
            };
            return task.holdReason() == null ? s : s + " (held: " + task.holdReason() + ")";
        }
    }

    private final ClientManager manager;
    private final TableView<Row> table = new TableView<>();
    private final BorderPane root = new BorderPane();

    public TasksView(ClientManager manager) {
        this.manager = manager;
        table.setId("tasksTable");
        table.setPlaceholder(new javafx.scene.control.Label("No tasks yet. Add a project to get work."));
        table.getColumns().add(column("Project", r -> r.project(), 150));
        table.getColumns().add(column("Task", r -> r.task().resultName(), 150));
        TableColumn<Row, Double> progress = new TableColumn<>("Progress");
        progress.setPrefWidth(140);
        progress.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().task().progress()));
        progress.setCellFactory(c -> new TableCell<>() {
            private final ProgressBar bar = new ProgressBar();

            @Override
            protected void updateItem(Double value, boolean empty) {
                super.updateItem(value, empty);
                if (empty || value == null) {
                    setGraphic(null);
                    setText(null);
                } else {
                    bar.setProgress(value);
                    bar.setMaxWidth(Double.MAX_VALUE);
                    bar.setAccessibleText(Math.round(value * 100) + " percent");
                    setGraphic(bar);
                    setText(null);
                }
            }
        });
        table.getColumns().add(progress);
        table.getColumns().add(column("Elapsed", r -> Format.duration(r.task().elapsedSeconds()), 80));
        table.getColumns().add(column("Remaining (est.)", r -> Format.duration(r.task().remainingSeconds()), 110));
        table.getColumns().add(column("Deadline", r -> Format.time(r.task().deadline()), 130));
        table.getColumns().add(column("Status", Row::status, 320));
        Button suspend = new Button("_Suspend");
        suspend.setId("suspendTask");
        suspend.setOnAction(e -> withSelected((engine, id) -> engine.suspendTask(id)));
        Button resume = new Button("_Resume");
        resume.setId("resumeTask");
        resume.setOnAction(e -> withSelected((engine, id) -> engine.resumeTask(id)));
        Button abort = new Button("_Abort");
        abort.setId("abortTask");
        abort.setOnAction(e -> {
            Row r = table.getSelectionModel().getSelectedItem();
            if (r == null) {
                return;
            }
            Alert confirm = new Alert(Alert.AlertType.CONFIRMATION, "Abort task " + r.task().resultName()
                    + "? Its work so far is discarded and the project sends it to another volunteer.",
                    ButtonType.OK, ButtonType.CANCEL);
            confirm.setHeaderText("Abort this task?");
            confirm.showAndWait().filter(b -> b == ButtonType.OK)
                    .ifPresent(b -> withSelected((engine, id) -> engine.abortTask(id)));
        });
        for (Button b : List.of(suspend, resume, abort)) {
            b.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        }
        HBox actions = new HBox(8, suspend, resume, abort);
        actions.setPadding(new Insets(8, 0, 0, 0));
        root.setCenter(table);
        root.setBottom(actions);
        root.setPadding(new Insets(8));
    }

    private void withSelected(java.util.function.BiConsumer<ClientEngine, Long> action) {
        Row r = table.getSelectionModel().getSelectedItem();
        if (r != null) {
            manager.engine(r.projectId()).ifPresent(engine -> action.accept(engine, r.task().resultId()));
        }
    }

    public Node node() {
        return root;
    }

    public void refresh(ManagerStatus status) {
        List<Row> rows = new ArrayList<>();
        for (ManagerStatus.Project p : status.projects()) {
            if (p.snapshot() != null) {
                p.snapshot().tasks().forEach(t -> rows.add(new Row(p.settings().id(), p.settings().title(), t)));
            }
        }
        if (rows.equals(table.getItems())) {
            return; // setAll with equal rows would still lay out and draw the table again
        }
        Row selected = table.getSelectionModel().getSelectedItem();
        table.getItems().setAll(rows);
        if (selected != null) {
            rows.stream().filter(r -> r.task().resultId() == selected.task().resultId()
                    && r.projectId().equals(selected.projectId())).findFirst()
                    .ifPresent(r -> table.getSelectionModel().select(r));
        }
    }

    static TableColumn<Row, String> column(String title, java.util.function.Function<Row, String> value, double width) {
        TableColumn<Row, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }
}

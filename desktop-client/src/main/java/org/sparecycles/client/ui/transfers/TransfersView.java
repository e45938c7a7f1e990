package org.sparecycles.client.ui.transfers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerStatus;
import org.sparecycles.client.ui.Format;

/** The Transfers view: downloads and uploads under way or waiting to retry, and "retry now". */
public final class TransfersView {
    /** One transfer. */
    public record Row(String projectId, String project, long resultId, String direction, String file, long bytes,
                      String status) {
    }

    private final TableView<Row> table = new TableView<>();
    private final BorderPane root = new BorderPane();

    public TransfersView(ClientManager manager) {
        table.setId("transfersTable");
        table.setPlaceholder(new Label("No transfers right now."));
        table.getColumns().add(column("Project", Row::project, 180));
        table.getColumns().add(column("Task", r -> Long.toString(r.resultId()), 80));
        table.getColumns().add(column("Direction", Row::direction, 90));
        table.getColumns().add(column("File", Row::file, 220));
        table.getColumns().add(column("Size", r -> r.bytes() > 0 ? r.bytes() / 1024 + " KiB" : "", 90));
        table.getColumns().add(column("Status", Row::status, 280));
        Button retry = new Button("_Retry now");
        retry.setId("retryTransfers");
        retry.setOnAction(e -> manager.status().projects().forEach(p -> manager.engine(p.settings().id())
                .ifPresent(engine -> engine.retryTransfers())));
        HBox actions = new HBox(8, retry);
        actions.setPadding(new Insets(8, 0, 0, 0));
        root.setCenter(table);
        root.setBottom(actions);
        root.setPadding(new Insets(8));
    }

    public Node node() {
        return root;
    }

    public void refresh(ManagerStatus status) {
        List<Row> rows = new ArrayList<>();
        Instant now = Instant.now();
        for (ManagerStatus.Project p : status.projects()) {
            if (p.snapshot() == null) {
                continue;
            }
            p.snapshot().transfers().forEach(t -> rows.add(new Row(p.settings().id(), p.settings().title(),
                    t.resultId(), t.direction(), t.file(), t.bytes(), "in progress")));
            p.snapshot().transferRetries().forEach((id, at) -> rows.add(new Row(p.settings().id(),
                    p.settings().title(), id, "", "", 0, "failed; retrying in "
                    + Format.duration(Math.max(0, at.getEpochSecond() - now.getEpochSecond())))));
        }
        if (!rows.equals(table.getItems())) { // setAll with equal rows would still draw the table again
            table.getItems().setAll(rows);
        }
    }

    private static TableColumn<Row, String> column(String title, Function<Row, String> value, double width) {
        TableColumn<Row, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }
}

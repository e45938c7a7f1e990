package org.sparecycles.client.ui.events;

import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import org.sparecycles.client.events.ClientEvent;
import org.sparecycles.client.manager.ClientManager;

/** The Event log view: the last events of the client and every project, with a filter and copy. */
public final class EventLogView {
    private final ClientManager manager;
    private final ListView<String> list = new ListView<>();
    private final TextField filter = new TextField();
    private final BorderPane root = new BorderPane();
    private List<String> shown = List.of();

    public EventLogView(ClientManager manager) {
        this.manager = manager;
        list.setId("eventList");
        list.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        filter.setId("eventFilter");
        filter.setPromptText("Filter (e.g. a task id, \"failed\", a server)");
        filter.textProperty().addListener((o, a, b) -> refresh());
        Button copy = new Button("_Copy");
        copy.setId("copyEvents");
        copy.setOnAction(e -> {
            List<String> lines = list.getSelectionModel().getSelectedItems().isEmpty() ? list.getItems()
                    : list.getSelectionModel().getSelectedItems();
            ClipboardContent content = new ClipboardContent();
            content.putString(String.join(System.lineSeparator(), lines));
            Clipboard.getSystemClipboard().setContent(content);
        });
        Label label = new Label("_Filter:");
        label.setMnemonicParsing(true);
        label.setLabelFor(filter);
        HBox top = new HBox(8, label, filter, copy);
        HBox.setHgrow(filter, Priority.ALWAYS);
        top.setPadding(new Insets(0, 0, 8, 0));
        root.setTop(top);
        root.setCenter(list);
        root.setPadding(new Insets(8));
    }

    public Node node() {
        return root;
    }

    public void refresh() {
        String f = filter.getText() == null ? "" : filter.getText().toLowerCase(Locale.ROOT).trim();
        List<String> lines = manager.events().recent().stream().map(ClientEvent::line)
                .filter(l -> f.isEmpty() || l.toLowerCase(Locale.ROOT).contains(f)).toList();
        if (!lines.equals(shown)) {
            boolean atEnd = list.getItems().isEmpty() || shown.size() == list.getItems().size();
            shown = lines;
            list.getItems().setAll(lines);
            if (atEnd && !lines.isEmpty()) {
                list.scrollTo(lines.size() - 1);
            }
        }
    }
}

package org.sparecycles.client.ui.stats;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.util.StringConverter;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.CreditSample;
import org.sparecycles.client.manager.ManagerStatus;
import org.sparecycles.client.ui.Format;

/** The Statistics view: credit over time per project and in total, for this host or the whole account. */
public final class StatisticsView {
    private static final List<String> WHAT = List.of("This host: total credit", "This host: recent average",
            "Account: total credit", "Account: recent average");

    private final ClientManager manager;
    private final NumberAxis time = new NumberAxis();
    private final LineChart<Number, Number> chart = new LineChart<>(time, new NumberAxis());
    private final ChoiceBox<String> what = new ChoiceBox<>();
    private final Label summary = new Label();
    private final BorderPane root = new BorderPane();
    private int drawn = -1;

    public StatisticsView(ClientManager manager) {
        this.manager = manager;
        chart.setId("creditChart");
        chart.setCreateSymbols(true);
        chart.setAnimated(false);
        time.setForceZeroInRange(false);
        time.setLabel("time");
        time.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number n) {
                return Format.time(Instant.ofEpochSecond(n.longValue()));
            }

            @Override
            public Number fromString(String s) {
                return 0;
            }
        });
        what.getItems().setAll(WHAT);
        what.getSelectionModel().select(0);
        what.setId("statisticsChoice");
        what.setOnAction(e -> redraw());
        summary.setId("creditLabel");
        HBox top = new HBox(12, new Label("Show:"), what, summary);
        top.setPadding(new Insets(0, 0, 8, 0));
        root.setTop(top);
        root.setCenter(chart);
        root.setPadding(new Insets(8));
    }

    public Node node() {
        return root;
    }

    public void refresh(ManagerStatus status) {
        double host = 0;
        double account = 0;
        for (ManagerStatus.Project p : status.projects()) {
            if (p.credit() != null) {
                host += p.credit().hostTotal();
                account += p.credit().accountTotal();
            }
        }
        summary.setText("This host: " + Format.credit(host) + " credit; your accounts: " + Format.credit(account));
        int n = manager.creditHistory().size();
        if (n != drawn) {
            redraw();
        }
    }

    private void redraw() {
        List<CreditSample> samples = manager.creditHistory();
        drawn = samples.size();
        int index = Math.max(0, what.getSelectionModel().getSelectedIndex());
        ToDoubleFunction<CreditSample> value = switch (index) {
            case 1 -> CreditSample::hostRecent;
            case 2 -> CreditSample::accountTotal;
            case 3 -> CreditSample::accountRecent;
            default -> CreditSample::hostTotal;
        };
        Map<String, String> titles = new HashMap<>();
        manager.status().projects().forEach(p -> titles.put(p.settings().id(), p.settings().title()));
        Map<String, XYChart.Series<Number, Number>> series = new HashMap<>();
        XYChart.Series<Number, Number> total = new XYChart.Series<>();
        total.setName("All projects");
        Map<String, Double> latest = new HashMap<>();
        for (CreditSample s : samples) {
            series.computeIfAbsent(s.projectId(), id -> {
                XYChart.Series<Number, Number> x = new XYChart.Series<>();
                x.setName(titles.getOrDefault(id, id));
                return x;
            }).getData().add(new XYChart.Data<>(s.time().getEpochSecond(), value.applyAsDouble(s)));
            latest.put(s.projectId(), value.applyAsDouble(s));
            total.getData().add(new XYChart.Data<>(s.time().getEpochSecond(),
                    latest.values().stream().mapToDouble(Double::doubleValue).sum()));
        }
        chart.getData().clear();
        chart.getData().addAll(series.values());
        if (series.size() > 1) {
            chart.getData().add(total);
        }
        chart.setTitle(WHAT.get(index));
    }
}

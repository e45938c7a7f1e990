package org.sparecycles.client.ui;

import java.time.Clock;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.sparecycles.client.idle.InputIdleSources;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerOptions;
import org.sparecycles.client.ui.tray.Tray;

/** The JavaFX application: opens the manager (engines, policy loop) and the main window over it. */
public final class SpareCyclesApp extends Application {
    static volatile ManagerOptions launchOptions;

    private ClientManager manager;
    private final boolean ownsManager;
    private MainWindow window;
    private volatile Tray tray;

    /** Used by {@link Application#launch}: opens its own manager from the launcher's options. */
    public SpareCyclesApp() {
        this.ownsManager = true;
    }

    /** Over a manager someone else opened and closes (tests). */
    public SpareCyclesApp(ClientManager manager) {
        this.manager = manager;
        this.ownsManager = false;
    }

    @Override
    public void start(Stage stage) throws Exception {
        if (manager == null) {
            manager = ClientManager.open(launchOptions, Clock.systemDefaultZone(), InputIdleSources.forThisMachine());
            manager.start();
        }
        window = new MainWindow(manager, stage, Theme.load(manager.dataDir()));
        stage.setOnCloseRequest(e -> Platform.exit());
        window.show();
        if (ownsManager) { // the real app; tests drive the window, and Xvfb has no tray anyway
            Thread t = new Thread(() -> tray = Tray.install(Tray.items(manager,
                    () -> Platform.runLater(() -> {
                        stage.show();
                        stage.setIconified(false);
                        stage.toFront();
                    }),
                    () -> Platform.runLater(Platform::exit))).orElse(null), "sparecycles-tray");
            t.setDaemon(true);
            t.start(); // AWT's start-up stays off the FX thread
        }
    }

    public MainWindow window() {
        return window;
    }

    @Override
    public void stop() {
        if (tray != null) {
            tray.close();
        }
        if (window != null) {
            window.stop();
        }
        if (ownsManager && manager != null) {
            manager.close();
        }
    }
}

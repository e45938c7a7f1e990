package org.sparecycles.client.ui;

import java.time.Clock;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.sparecycles.client.idle.InputIdleSources;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.manager.ManagerOptions;

/** The JavaFX application: opens the manager (engines, policy loop) and the main window over it. */
public final class SpareCyclesApp extends Application {
    static volatile ManagerOptions launchOptions;

    private ClientManager manager;
    private final boolean ownsManager;
    private MainWindow window;

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
        window = new MainWindow(manager, stage, Theme.SYSTEM);
        stage.setOnCloseRequest(e -> Platform.exit());
        window.show();
    }

    public MainWindow window() {
        return window;
    }

    @Override
    public void stop() {
        if (window != null) {
            window.stop();
        }
        if (ownsManager && manager != null) {
            manager.close();
        }
    }
}

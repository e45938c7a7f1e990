package org.sparecycles.client.ui;

import javafx.application.Application;
import org.sparecycles.client.manager.ManagerOptions;

/**
 * Starts the desktop app. A plain class (not an {@link Application}) so the command line can call it without
 * loading JavaFX in headless mode, and so the shaded jar starts without a module path.
 */
public final class DesktopLauncher {
    private DesktopLauncher() {
    }

    /** Runs the app until its window closes. */
    public static void run(ManagerOptions options) {
        SpareCyclesApp.launchOptions = options;
        Application.launch(SpareCyclesApp.class);
    }
}

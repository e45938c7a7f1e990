package org.sparecycles.client.testing;

import javafx.application.Application;
import org.testfx.api.FxToolkit;

/** The whole app on a real stage under Xvfb, for the tests that drive it with TestFX. */
public final class AppStage {
    private AppStage() {
    }

    /** Starts Xvfb (once per JVM) and registers TestFX's primary stage on it; for {@code @BeforeAll}. */
    public static void display() throws Exception {
        Xvfb.display();
        FxToolkit.registerPrimaryStage();
    }

    /**
     * Closes what a test opened, in order: the app's windows, the application, then {@code rest} (its manager, a
     * server) in the order given. Nulls (a test that failed before opening them) are skipped.
     */
    public static void close(Application app, AutoCloseable... rest) throws Exception {
        FxToolkit.cleanupStages();
        if (app != null) {
            FxToolkit.cleanupApplication(app);
        }
        for (AutoCloseable c : rest) {
            if (c != null) {
                c.close();
            }
        }
    }
}

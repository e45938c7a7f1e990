package org.sparecycles.client.ui;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.concurrent.Task;
import javafx.scene.control.Alert;

/** Runs blocking work (network, disk) off the FX thread, so the window never freezes; failures are shown. */
public final class Background {
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sparecycles-ui-background");
        t.setDaemon(true);
        return t;
    });

    private Background() {
    }

    /** Runs the task; when it fails and has no failure handler of its own, an error dialog says why. */
    public static <T> void run(Task<T> task) {
        if (task.getOnFailed() == null) {
            task.setOnFailed(e -> new Alert(Alert.AlertType.ERROR, String.valueOf(task.getException().getMessage()))
                    .show());
        }
        POOL.execute(task);
    }
}

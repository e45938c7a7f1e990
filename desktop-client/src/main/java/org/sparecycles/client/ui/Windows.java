package org.sparecycles.client.ui;

import javafx.stage.Stage;
import javafx.stage.WindowEvent;

/** What the app's own windows (wizard, dialogs) need beyond JavaFX's defaults. */
public final class Windows {
    private Windows() {
    }

    /**
     * Takes the focus from the window's controls when it is hidden. Without a window manager (Xvfb) a hidden
     * window stays focused, so a text field in it kept its caret blinking: an animation that makes JavaFX pulse
     * 60 times a second for as long as the app runs. Call before the window is first shown.
     */
    public static void releaseFocusWhenHidden(Stage stage) {
        stage.addEventHandler(WindowEvent.WINDOW_HIDDEN, e -> {
            if (stage.getScene() != null) {
                stage.getScene().getRoot().requestFocus();
            }
        });
    }
}

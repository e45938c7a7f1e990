package org.sparecycles.client.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;

/** Light and dark looks; "system" follows the OS where it says (GNOME/GTK setting, Windows, macOS). */
public enum Theme {
    SYSTEM, LIGHT, DARK;

    /** Applies the theme's style sheet to the scene. */
    public void apply(Scene scene) {
        scene.getStylesheets().clear();
        boolean dark = this == DARK || this == SYSTEM && osPrefersDark();
        scene.getStylesheets().add(Theme.class.getResource(dark ? "dark.css" : "light.css").toExternalForm());
    }

    /** What the OS says, when it says it; light otherwise. Env SPARECYCLES_THEME=dark|light overrides. */
    static boolean osPrefersDark() {
        String forced = System.getenv("SPARECYCLES_THEME");
        if (forced != null) {
            return forced.equalsIgnoreCase("dark");
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return run("defaults", "read", "-g", "AppleInterfaceStyle").toLowerCase(Locale.ROOT).contains("dark");
        }
        if (os.startsWith("windows")) {
            return run("reg", "query", "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize",
                    "/v", "AppsUseLightTheme").contains("0x0");
        }
        String gtk = System.getenv("GTK_THEME");
        if (gtk != null) {
            return gtk.toLowerCase(Locale.ROOT).contains("dark");
        }
        return run("gsettings", "get", "org.gnome.desktop.interface", "color-scheme").contains("dark");
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(3, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}

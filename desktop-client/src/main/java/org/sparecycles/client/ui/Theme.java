package org.sparecycles.client.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;

/**
 * Light and dark looks; "system" follows the OS where it says: GNOME's color-scheme or a GTK theme named dark
 * (gsettings, or env GTK_THEME), the Windows registry's AppsUseLightTheme, macOS's AppleInterfaceStyle.
 */
public enum Theme {
    SYSTEM, LIGHT, DARK;

    private static final String FILE = "ui-theme";

    /** Label in the preferences. */
    public String label() {
        return switch (this) {
            case SYSTEM -> "Follow the system";
            case LIGHT -> "Light";
            case DARK -> "Dark";
        };
    }

    /** The look chosen in the preferences ({@code <data-dir>/ui-theme}); {@link #SYSTEM} when none was. */
    public static Theme load(Path dataDir) {
        try {
            return valueOf(Files.readString(dataDir.resolve(FILE)).trim());
        } catch (IOException | IllegalArgumentException e) {
            return SYSTEM;
        }
    }

    /** Remembers the chosen look for the next start. */
    public void save(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve(FILE), name());
    }

    /** True when this look is dark here (for {@link #SYSTEM}: when the OS prefers dark). */
    public boolean isDark() {
        return this == DARK || this == SYSTEM && osPrefersDark();
    }

    /** Applies the theme's style sheet to the scene. */
    public void apply(Scene scene) {
        scene.getStylesheets().clear();
        scene.getStylesheets().add(Theme.class.getResource(isDark() ? "dark.css" : "light.css").toExternalForm());
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
        return run("gsettings", "get", "org.gnome.desktop.interface", "color-scheme").contains("dark")
                || run("gsettings", "get", "org.gnome.desktop.interface", "gtk-theme").toLowerCase(Locale.ROOT)
                .contains("dark"); // older GNOME and other GTK desktops: a theme named like Adwaita-dark
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

package org.sparecycles.client.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Where a client keeps its data by default, following each OS's convention. */
public final class DataDirs {
    private DataDirs() {
    }

    /** The default data directory for this user on this OS. */
    public static Path defaultDir() {
        return defaultDir(System.getProperty("os.name", ""), System.getProperty("user.home", "."), System.getenv());
    }

    /**
     * Pure form of {@link #defaultDir()}: Windows {@code %APPDATA%\SpareCycles}, macOS
     * {@code ~/Library/Application Support/SpareCycles}, elsewhere {@code ~/.sparecycles}.
     */
    static Path defaultDir(String osName, String home, Map<String, String> env) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String appData = env.get("APPDATA");
            Path base = appData == null || appData.isBlank() ? Path.of(home, "AppData", "Roaming") : Path.of(appData);
            return base.resolve("SpareCycles");
        }
        if (os.startsWith("mac")) {
            return Path.of(home, "Library", "Application Support", "SpareCycles");
        }
        return Path.of(home, ".sparecycles");
    }
}

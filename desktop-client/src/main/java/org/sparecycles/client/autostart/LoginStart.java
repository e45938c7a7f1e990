package org.sparecycles.client.autostart;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The "start SpareCycles when I log in" preference. On Linux (and other XDG desktops) it is the autostart entry
 * {@code $XDG_CONFIG_HOME/autostart/sparecycles.desktop} (default {@code ~/.config/autostart}): the file existing
 * is the preference, so desktop settings that remove it are respected. Not offered on Windows and macOS, where the
 * installers' Startup folder and Login Items do this (docs/volunteer-guide.md), nor when the app does not run
 * from a launcher or a jar that could be started again.
 */
public final class LoginStart {
    static final String FILE_NAME = "sparecycles.desktop";

    private final Path entry;
    private final List<String> command;

    LoginStart(Path entry, List<String> command) {
        this.entry = entry;
        this.command = List.copyOf(command);
    }

    /** For this user and the way this app was started. */
    public static LoginStart forThisUser() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        boolean xdg = !os.startsWith("windows") && !os.startsWith("mac");
        List<String> command = relaunchCommand(System.getProperty("jpackage.app-path"),
                System.getProperty("java.class.path", ""), System.getProperty("java.home", "")).orElse(List.of());
        return new LoginStart(xdg && !command.isEmpty() ? autostartDir(System.getenv(),
                System.getProperty("user.home", ".")).resolve(FILE_NAME) : null, command);
    }

    /** The XDG autostart directory: {@code $XDG_CONFIG_HOME/autostart}, else {@code ~/.config/autostart}. */
    static Path autostartDir(Map<String, String> env, String home) {
        String config = env.get("XDG_CONFIG_HOME");
        Path base = config == null || config.isBlank() ? Path.of(home, ".config") : Path.of(config);
        return base.resolve("autostart");
    }

    /**
     * How to start this app again: the jpackage launcher when there is one, else {@code java -jar} on the one jar
     * it runs from; empty when it runs from class directories (a development run).
     */
    static Optional<List<String>> relaunchCommand(String launcher, String classPath, String javaHome) {
        if (launcher != null && !launcher.isBlank()) {
            return Optional.of(List.of(Path.of(launcher).toAbsolutePath().toString()));
        }
        if (!classPath.contains(File.pathSeparator) && classPath.endsWith(".jar")) {
            return Optional.of(List.of(Path.of(javaHome, "bin", "java").toString(), "-jar",
                    Path.of(classPath).toAbsolutePath().toString()));
        }
        return Optional.empty();
    }

    /** Whether this platform and this way of running can start the app at log-in. */
    public boolean supported() {
        return entry != null;
    }

    /** Whether the app starts at log-in now. */
    public boolean enabled() {
        return entry != null && Files.isRegularFile(entry);
    }

    /** Turns starting at log-in on (writes the autostart entry) or off (removes it). */
    public void setEnabled(boolean on) throws IOException {
        if (entry == null) {
            throw new IOException("starting at log-in is not supported here");
        }
        if (!on) {
            Files.deleteIfExists(entry);
            return;
        }
        Files.createDirectories(entry.getParent());
        Path tmp = entry.resolveSibling(FILE_NAME + ".tmp");
        Files.writeString(tmp, desktopEntry(command), StandardCharsets.UTF_8);
        Files.move(tmp, entry, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The autostart entry that runs this command (Desktop Entry Specification, Exec quoting). */
    static String desktopEntry(List<String> command) {
        return "[Desktop Entry]\n"
                + "Type=Application\n"
                + "Name=SpareCycles\n"
                + "Comment=Volunteer computing (started at log-in: SpareCycles Preferences)\n"
                + "Exec=" + command.stream().map(LoginStart::quote).collect(Collectors.joining(" ")) + "\n"
                + "Icon=sparecycles\n"
                + "Terminal=false\n"
                + "X-GNOME-Autostart-enabled=true\n";
    }

    private static String quote(String arg) {
        if (arg.matches("[A-Za-z0-9_./:+,=@-]+")) {
            return arg;
        }
        StringBuilder s = new StringBuilder("\"");
        for (char c : arg.toCharArray()) {
            if (c == '"' || c == '`' || c == '$' || c == '\\') {
                s.append('\\');
            }
            s.append(c == '%' ? "%%" : String.valueOf(c));
        }
        return s.append('"').toString();
    }
}

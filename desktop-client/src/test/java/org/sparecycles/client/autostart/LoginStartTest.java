package org.sparecycles.client.autostart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginStartTest {
    @TempDir
    Path tmp;

    @Test
    void enablingWritesAnAutostartEntryRunningTheLauncherAndDisablingRemovesIt() throws Exception {
        Path entry = tmp.resolve("autostart").resolve(LoginStart.FILE_NAME);
        LoginStart start = new LoginStart(entry, List.of("/opt/sparecycles/bin/SpareCycles"));
        assertTrue(start.supported());
        assertFalse(start.enabled());

        start.setEnabled(true);
        assertTrue(start.enabled());
        String text = Files.readString(entry);
        assertTrue(text.startsWith("[Desktop Entry]\n"), text);
        assertTrue(text.contains("\nExec=/opt/sparecycles/bin/SpareCycles\n"), text);

        start.setEnabled(false);
        assertFalse(start.enabled());
        assertFalse(Files.exists(entry));
    }

    @Test
    void execLineQuotesArgumentsWithSpacesAndReservedCharacters() {
        String text = LoginStart.desktopEntry(List.of("/usr/lib/jvm/java 17/bin/java", "-jar", "/home/a$b/100%.jar"));
        assertTrue(text.contains("\nExec=\"/usr/lib/jvm/java 17/bin/java\" -jar \"/home/a\\$b/100%%.jar\"\n"), text);
    }

    @Test
    void autostartDirFollowsXdgConfigHome() {
        assertEquals(Path.of("/cfg/autostart"), LoginStart.autostartDir(Map.of("XDG_CONFIG_HOME", "/cfg"), "/home/a"));
        assertEquals(Path.of("/home/a/.config/autostart"), LoginStart.autostartDir(Map.of(), "/home/a"));
    }

    @Test
    void relaunchesThroughTheLauncherOrTheJarButNotFromClassDirectories() {
        assertEquals(Optional.of(List.of("/opt/sparecycles/bin/SpareCycles")),
                LoginStart.relaunchCommand("/opt/sparecycles/bin/SpareCycles", "/opt/x.jar", "/jre"));
        assertEquals(Optional.of(List.of("/jre/bin/java", "-jar", "/opt/desktop-client.jar")),
                LoginStart.relaunchCommand(null, "/opt/desktop-client.jar", "/jre"));
        assertEquals(Optional.empty(), LoginStart.relaunchCommand(null, "/src/classes:/src/lib.jar", "/jre"));
    }
}

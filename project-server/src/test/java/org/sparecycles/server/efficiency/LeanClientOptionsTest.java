package org.sparecycles.server.efficiency;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code efficiency --lean-clients} starts its clients as the installed headless launcher does. */
class LeanClientOptionsTest {
    @Test
    void theLeanClientsOptionsAreThoseOfHeadlessJvmopts() throws IOException {
        Path file = Path.of("..", "desktop-client", "headless.jvmopts"); // Maven runs a module's tests in its folder
        List<String> options = Files.readAllLines(file).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();

        assertEquals(options, EfficiencyCommand.LEAN_CLIENT_OPTIONS, file.toAbsolutePath().normalize().toString());
    }
}

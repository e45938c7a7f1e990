package org.sparecycles.client.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientConfigTest {
    private static ClientConfig.Builder valid() {
        return ClientConfig.builder().server("http://localhost:8080/").email("v@example.org").password("pw")
                .dataDir(Path.of("data")).cores(2);
    }

    @Test
    void normalisesTheServerUrlAndFillsDefaults() {
        ClientConfig c = valid().build();

        assertEquals("http://localhost:8080", c.serverText());
        assertEquals(2, c.cores());
        assertEquals(1, c.extraTasks());
        assertEquals(Duration.ofSeconds(1), c.minRequestInterval());
        assertEquals(ClientConfig.FaultInjection.NONE, c.faultInjection());
        assertTrue(c.dataDir().isAbsolute());
        assertNull(c.name());
    }

    @Test
    void acceptsTheApiPathAndStripsIt() {
        assertEquals("https://example.org/sc", valid().server("https://example.org/sc/api/v1").build().serverText());
    }

    @Test
    void collectsEveryProblemBeforeFailing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder()
                .server("ftp://x").email("nobody").password("").cores(0).extraTasks(-1).build());

        String m = e.getMessage();
        for (String key : new String[] {"server:", "email:", "password:", "data-dir:", "cores:", "extra-tasks:"}) {
            assertTrue(m.contains(key), key + " missing in: " + m);
        }
    }

    @Test
    void clampsTooManyCoresWithAWarning() {
        ClientConfig.Builder b = valid().cores(10_000);

        assertEquals(ClientConfig.MAX_CORES, b.build().cores());
        assertEquals(1, b.warnings().size());
        assertTrue(b.warnings().get(0).startsWith("cores: 10000"), b.warnings()::toString);
    }

    @Test
    void passwordIsNeverPrinted() {
        assertFalse(valid().password("hunter2").build().toString().contains("hunter2"));
    }

    @ParameterizedTest
    @CsvSource({"none, NONE", "wrong-results, WRONG_RESULTS", "WRONG-RESULTS, WRONG_RESULTS", "colluding, COLLUDING",
        "consistently-wrong, CONSISTENTLY_WRONG", "randomly-wrong, RANDOMLY_WRONG"})
    void parsesFaultInjection(String text, ClientConfig.FaultInjection expected) {
        assertEquals(expected, ClientConfig.FaultInjection.parse(text));
    }

    @ParameterizedTest
    @CsvSource({
            "Linux, /home/ann, , /home/ann/.sparecycles",
            "Mac OS X, /Users/ann, , /Users/ann/Library/Application Support/SpareCycles"})
    void defaultDataDirFollowsTheOs(String os, String home, String appData, String expected) {
        assertEquals(Path.of(expected), DataDirs.defaultDir(os, home, Map.of()));
    }

    @Test
    void windowsUsesAppData() {
        assertEquals(Path.of("C:/Users/ann/AppData/Roaming", "SpareCycles"),
                DataDirs.defaultDir("Windows 11", "C:/Users/ann", Map.of("APPDATA", "C:/Users/ann/AppData/Roaming")));
    }
}

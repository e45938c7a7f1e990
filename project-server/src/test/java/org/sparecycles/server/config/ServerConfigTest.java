package org.sparecycles.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    @TempDir
    Path tmp;

    @Test
    void laterSourcesWinDefaultsFileEnvironmentCommandLine() throws Exception {
        Path file = Files.writeString(tmp.resolve("server.properties"),
                "port=9000\nmax.output.bytes=2048\nscheduler.idle.delay.seconds=60\ndata.dir=/srv/file\n");
        ServerConfig c = ServerConfig.load(file,
                Map.of("SPARECYCLES_PORT", "9001", "SPARECYCLES_DATA_DIR", "/srv/env", "HOME", "/root"),
                Map.of(ConfigKeys.DATA_DIR, "/srv/cli")).build();
        assertEquals(9001, c.port(), "environment over file");
        assertEquals(2048, c.maxOutputBytes(), "file over default");
        assertEquals(60, c.schedulerIdleDelaySeconds());
        assertEquals(Path.of("/srv/cli"), c.dataDir(), "command line over environment");
        assertEquals(5, c.backgroundIntervalSeconds(), "default");
        assertEquals("127.0.0.1", c.bindAddress());
        assertEquals(Runtime.getRuntime().availableProcessors(), c.schedulerConcurrency(), "default: the processors");
        assertEquals(Runtime.getRuntime().availableProcessors(), c.backgroundThreads(), "default: the processors");
    }

    @Test
    void schedulerConcurrencyIsReadAndMustBeAtLeastOne() throws Exception {
        assertEquals(3, ServerConfig.load(null, Map.of("SPARECYCLES_SCHEDULER_CONCURRENCY", "3"), Map.of()).build()
                .schedulerConcurrency());
        InvalidConfigException zero = assertThrows(InvalidConfigException.class,
                () -> ServerConfig.load(null, Map.of(), Map.of(ConfigKeys.SCHEDULER_CONCURRENCY, "0")).build());
        assertEquals("scheduler.concurrency=0: must be at least 1", zero.getMessage());
    }

    @Test
    void backgroundThreadsAreReadAndBounded() throws Exception {
        assertEquals(4, ServerConfig.load(null, Map.of("SPARECYCLES_BACKGROUND_THREADS", "4"), Map.of()).build()
                .backgroundThreads());
        InvalidConfigException zero = assertThrows(InvalidConfigException.class,
                () -> ServerConfig.load(null, Map.of(), Map.of(ConfigKeys.BACKGROUND_THREADS, "0")).build());
        assertEquals("background.threads=0: must be 1 to 64", zero.getMessage());
    }

    @Test
    void backgroundNiceIsReadAndBounded() throws Exception {
        assertEquals(ServerConfig.DEFAULT_BACKGROUND_NICE, ServerConfig.builder().build().backgroundNice());
        assertEquals(0, ServerConfig.load(null, Map.of("SPARECYCLES_BACKGROUND_NICE", "0"), Map.of()).build()
                .backgroundNice());
        InvalidConfigException high = assertThrows(InvalidConfigException.class,
                () -> ServerConfig.load(null, Map.of(), Map.of(ConfigKeys.BACKGROUND_NICE, "20")).build());
        assertEquals("background.nice=20: must be 0 (the scheduler's priority) to 19", high.getMessage());
        InvalidConfigException negative = assertThrows(InvalidConfigException.class,
                () -> ServerConfig.load(null, Map.of(), Map.of(ConfigKeys.BACKGROUND_NICE, "-5")).build());
        assertEquals("background.nice=-5: must be 0 (the scheduler's priority) to 19", negative.getMessage());
    }

    @Test
    void malformedOrContradictoryValuesThrowNamingKeyAndValue() throws Exception {
        InvalidConfigException notNumber = assertThrows(InvalidConfigException.class,
                () -> ServerConfig.load(null, Map.of("SPARECYCLES_PORT", "eighty"), Map.of()));
        assertEquals("port: 'eighty' is not a whole number", notNumber.getMessage());
        InvalidConfigException contradiction = assertThrows(InvalidConfigException.class,
                () -> ServerConfig.builder().schedulerRequestDelaySeconds(30).schedulerIdleDelaySeconds(10).build());
        assertTrue(contradiction.getMessage().startsWith("scheduler.idle.delay.seconds=10: must not be less than"
                + " scheduler.request.delay.seconds (30)"), contradiction.getMessage());
        assertThrows(InvalidConfigException.class, () -> ServerConfig.builder().port(70_000).build());
        Path typo = Files.writeString(tmp.resolve("typo.properties"), "prot=80\n");
        InvalidConfigException unknown = assertThrows(InvalidConfigException.class,
                () -> ServerConfig.load(typo, Map.of(), Map.of()));
        assertTrue(unknown.getMessage().contains("unknown key 'prot'"), unknown.getMessage());
    }

    @Test
    void outputLimitAboveTheSoftLimitIsClamped() {
        assertEquals(ServerConfig.MAX_OUTPUT_BYTES_LIMIT,
                ServerConfig.builder().maxOutputBytes(ServerConfig.MAX_OUTPUT_BYTES_LIMIT * 4).build().maxOutputBytes());
    }
}

package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.config.ServerConfig;

/**
 * The file store fsyncs each file as the database makes its commits durable (docs/admin-guide.md, "Durability"): on
 * PostgreSQL, whose commits are durable when they return; not on H2, whose commits the group commit writes later,
 * whether H2 is the data dir's own or given by URL.
 */
class FileStoreDurabilityTest {
    @TempDir
    Path tmp;

    @Test
    void theEmbeddedDatabaseAndAnH2UrlLeaveFilesToThePageCache() throws Exception {
        try (ProjectServer server = ProjectServer.start(ServerConfig.builder().port(0).dataDir(tmp.resolve("own"))
                .build())) {
            assertFalse(server.files().fsyncs(), "embedded H2");
        }
        String url = "jdbc:h2:file:" + tmp.resolve("by-url/db/sparecycles").toAbsolutePath() + ";WRITE_DELAY=500";
        try (ProjectServer server = ProjectServer.start(ServerConfig.builder().port(0).dataDir(tmp.resolve("by-url"))
                .dbUrl(url).build())) {
            assertFalse(server.files().fsyncs(), "H2 given by URL: its commits are not durable when they return");
        }
    }

    @Test
    void theTestSuitesDatabaseDecides() throws Exception {
        try (TestServer t = TestServer.start(tmp.resolve("suite"))) {
            assertEquals(TestServer.onPostgres(), t.server.files().fsyncs(),
                    "fsync on PostgreSQL only (this run on PostgreSQL: " + TestServer.onPostgres() + ")");
        }
    }
}

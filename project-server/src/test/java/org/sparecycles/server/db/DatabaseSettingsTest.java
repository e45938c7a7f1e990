package org.sparecycles.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseSettingsTest {
    @TempDir
    Path dir;

    @Test
    void theDatabaseOfADataDirHasA16MegabytePageCache() throws SQLException {
        try (Database db = Database.open(dir); Connection c = db.dataSource().getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT setting_value FROM information_schema.settings"
                     + " WHERE setting_name = 'info.CACHE_MAX_SIZE'")) {
            assertTrue(rs.next(), "H2 reports its page cache's size");
            assertEquals("16", rs.getString(1), "page cache in MB: a larger one lengthens G1's young pauses");
        }
    }

    @Test
    void passwordsAreMaskedInUrlsShownToPeople() {
        assertEquals("jdbc:postgresql://db/sc?user=sc&password=***&ssl=true",
                Database.withoutPassword("jdbc:postgresql://db/sc?user=sc&password=s3cret&ssl=true"));
    }
}

package org.sparecycles.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {
    @Test
    void pageCacheIsAQuarterOfTheHeapBetween16And32Megabytes() {
        assertEquals(16 * 1024, Database.pageCacheKilobytes(32L << 20), "small heaps still get H2's usual 16 MB");
        assertEquals(24 * 1024, Database.pageCacheKilobytes(96L << 20));
        assertEquals(32 * 1024, Database.pageCacheKilobytes(6L << 30), "large heaps are capped at 32 MB");
    }

    @Test
    void passwordsAreMaskedInUrlsShownToPeople() {
        assertEquals("jdbc:postgresql://db/sc?user=sc&password=***&ssl=true",
                Database.withoutPassword("jdbc:postgresql://db/sc?user=sc&password=s3cret&ssl=true"));
    }
}

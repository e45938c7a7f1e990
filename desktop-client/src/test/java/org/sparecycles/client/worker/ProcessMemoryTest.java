package org.sparecycles.client.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
    @Test
    void readsVmRssFromAProcStatusText() {
        String status = "Name:\tjava\nVmPeak:\t 3000000 kB\nVmRSS:\t   65432 kB\nThreads:\t18\n";

        assertEquals(OptionalLong.of(65432L * 1024), ProcessMemory.parseVmRss(status));
    }

    @Test
    void aStatusWithoutVmRssIsUnknown() {
        assertTrue(ProcessMemory.parseVmRss("Name:\tzombie\nState:\tZ\n").isEmpty());
    }

    @Test
    void aProcessThatDoesNotExistIsUnknown() {
        assertTrue(ProcessMemory.residentBytes(Long.MAX_VALUE).isEmpty());
    }
}

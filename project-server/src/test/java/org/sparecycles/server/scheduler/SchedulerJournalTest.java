package org.sparecycles.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerJournalTest {
    @TempDir
    Path dir;

    private static SchedulerJournal.Entry entry(long host, long result) {
        return new SchedulerJournal.Entry(host, 7, Instant.parse("2026-12-06T10:00:00.123456Z"),
                List.of(new SchedulerJournal.Report(result - 1, 3, "SUCCESS", "ab".repeat(32), 12, 1.5, 2.5, 0.25,
                        null)),
                List.of(result + 100), List.of(new SchedulerJournal.Claim(result, 4,
                        Instant.parse("2026-12-07T10:00:00.123456Z"))));
    }

    private List<String> segmentNames() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void entriesComeBackInOrderUntilACheckpointWroteTheStore() throws Exception {
        AtomicInteger writes = new AtomicInteger();
        SchedulerJournal journal = SchedulerJournal.open(dir, writes::incrementAndGet);
        assertEquals(List.of(), journal.pending());
        journal.replayed();
        assertEquals(1, writes.get(), "the store is written once the pending entries were applied");
        journal.append(entry(1, 10));
        journal.append(entry(2, 20));
        journal.append(new SchedulerJournal.Entry(3, 7, Instant.EPOCH, List.of(), List.of(), List.of()));
        assertEquals(new SchedulerJournal.Counts(2, journal.counts().bytes(), 0), journal.counts(),
                "an entry that promises nothing is not written");

        SchedulerJournal reopened = SchedulerJournal.open(dir, writes::incrementAndGet);
        assertEquals(List.of(entry(1, 10), entry(2, 20)), reopened.pending(), "as a restart after a crash reads it");

        journal.checkpoint();
        assertEquals(2, writes.get());
        journal.append(entry(3, 30));
        assertEquals(List.of(entry(3, 30)), SchedulerJournal.open(dir, () -> { }).pending(),
                "the segment before the checkpoint is gone: the store holds its entries");
        journal.close();
        assertEquals(3, writes.get(), "a clean stop writes the store");
        assertEquals(List.of(), SchedulerJournal.open(dir, () -> { }).pending(), "and leaves nothing to apply");
    }

    @Test
    void aLineCutShortOrDamagedEndsTheJournal() throws Exception {
        SchedulerJournal journal = SchedulerJournal.open(dir, () -> { });
        journal.replayed();
        journal.append(entry(1, 10));
        journal.append(entry(2, 20));
        journal.append(entry(3, 30));
        journal.close();
        List<String> names = segmentNames();
        Path last = dir.resolve(names.get(names.size() - 1));
        // close() started a new segment; the entries are in the one before, which a crash would have left
        assertEquals(List.of(), Files.readAllLines(last));
        Path kept = dir.resolve("journal-1.log");
        assertTrue(Files.notExists(kept), "the checkpoint at close deleted it");

        // what a crash leaves: the three lines, the third damaged (one character changed), and half a fourth
        SchedulerJournal writer = SchedulerJournal.open(dir, () -> { });
        writer.replayed();
        writer.append(entry(1, 10));
        writer.append(entry(2, 20));
        writer.append(entry(3, 30));
        List<String> segments = segmentNames();
        Path file = dir.resolve(segments.get(segments.size() - 1));
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(3, lines.size());
        String damaged = lines.get(2).replace("\"host\":3", "\"host\":4");
        Files.write(file, List.of(lines.get(0), lines.get(1), damaged), StandardCharsets.UTF_8);
        assertEquals(List.of(entry(1, 10), entry(2, 20)), SchedulerJournal.open(dir, () -> { }).pending(),
                "a line whose checksum does not match ends the journal");

        Files.write(file, List.of(lines.get(0), lines.get(1)), StandardCharsets.UTF_8);
        Files.writeString(file, lines.get(2).substring(0, lines.get(2).length() / 2), StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        assertEquals(List.of(entry(1, 10), entry(2, 20)), SchedulerJournal.open(dir, () -> { }).pending(),
                "half a line at the end is not an entry");
    }

    @Test
    void theNoneJournalWritesNothing() throws Exception {
        SchedulerJournal none = SchedulerJournal.none();
        none.replayed();
        none.start();
        none.append(entry(1, 10));
        assertEquals(new SchedulerJournal.Counts(0, 0, 0), none.counts());
        assertEquals(List.of(), none.pending());
        none.close();
        assertEquals(List.of(), segmentNames());
    }
}

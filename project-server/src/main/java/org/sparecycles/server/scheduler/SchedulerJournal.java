package org.sparecycles.server.scheduler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparecycles.workunits.json.Json;

/**
 * What the scheduler's replies promised, written before each reply goes out: the reports it acknowledged, the results
 * it cancelled and the results it sent, with what it takes to apply them again. On embedded H2 a commit is in memory
 * until H2 writes the store; instead of a write of the store for every reply (a {@code CHECKPOINT} per few requests,
 * whose changed pages were two thirds of what the server wrote and a fifth to a third of its CPU per result), the
 * scheduler appends one line here, and the store is written every {@link #CHECKPOINT_INTERVAL}. After a crash,
 * {@link Scheduler} applies every entry again when it starts, before it serves: each change is a guarded transition,
 * so an entry the store already holds changes nothing (docs/server.md, "The scheduler's journal").
 *
 * <p>The journal is a directory of segments {@code journal-<n>.log}, one entry a line: the CRC-32C of the JSON (8 hex
 * digits), a space, the JSON. A checkpoint starts a new segment, writes the store, then deletes the older segments:
 * every entry in them was appended after its transactions committed, so before the write began, which holds it. A
 * line cut short by the crash is the end of the journal (its reply never went out). "Written" means what the
 * group commit meant: in the operating system's file cache, which survives the process being killed; neither H2's
 * store nor this journal is forced to the disk (admin-guide.md, "Durability").
 *
 * <p>On PostgreSQL every commit is durable when it returns, and the journal is {@link #none()}. Thread-safe.
 */
public final class SchedulerJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerJournal.class);
    /** How often the store is written and the journal's older segments deleted. */
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);
    private static final String PREFIX = "journal-";
    private static final String SUFFIX = ".log";

    /** A SUCCESS or CLIENT_ERROR report the reply acknowledged, with the credit claimed for it. */
    public record Report(long result, long workUnit, String outcome, String outputSha256, long outputSize,
                         double cpuSeconds, double elapsedSeconds, double claimedCredit, String errorMessage) {
    }

    /** A result the reply sent to the host, with the deadline it was given. */
    public record Claim(long result, long workUnit, Instant deadline) {
    }

    /** One reply's promises; {@code at} is the time the request's changes were made with. */
    public record Entry(long host, long account, Instant at, List<Report> reports, List<Long> cancelled,
                        List<Claim> claims) {
        public Entry {
            reports = List.copyOf(reports);
            cancelled = List.copyOf(cancelled);
            claims = List.copyOf(claims);
        }

        boolean isEmpty() {
            return reports.isEmpty() && cancelled.isEmpty() && claims.isEmpty();
        }
    }

    /** Entries appended and bytes written since the start, and checkpoints made. */
    public record Counts(long entries, long bytes, long checkpoints) {
    }

    private final Path dir;
    private final Runnable writeStore;
    private final ObjectMapper json = Json.mapper();
    private final Object lock = new Object();
    private FileChannel current;
    private long segment;
    private long entries;
    private long bytes;
    private long checkpoints;
    private ScheduledExecutorService timer;
    private boolean closed;

    private SchedulerJournal(Path dir, Runnable writeStore) {
        this.dir = dir;
        this.writeStore = writeStore;
    }

    /** For a database whose commits are durable when they return: appends nothing, replays nothing. */
    public static SchedulerJournal none() {
        return new SchedulerJournal(null, () -> { });
    }

    /**
     * The journal in {@code dir} (created when missing). Nothing is appended before {@link #replayed()}.
     *
     * @param writeStore returns once everything committed before the call is written to the database file
     */
    public static SchedulerJournal open(Path dir, Runnable writeStore) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the scheduler's journal " + dir, e);
        }
        return new SchedulerJournal(dir, writeStore);
    }

    boolean enabled() {
        return dir != null;
    }

    /**
     * Every entry of the segments on disk, oldest first, for the scheduler to apply again. Reading stops at the first
     * line that is cut short or does not match its checksum (the crash came while it was written); a bad line before
     * the end of the last segment is logged.
     */
    List<Entry> pending() {
        List<Entry> out = new ArrayList<>();
        if (dir == null) {
            return out;
        }
        List<Path> segments = segments();
        for (int i = 0; i < segments.size(); i++) {
            Path file = segments.get(i);
            int line = 0;
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String text;
                while ((text = in.readLine()) != null) {
                    line++;
                    Entry e = parse(text);
                    if (e == null) {
                        LOG.warn("scheduler journal {} line {}: cut short or damaged; entries from there on are not"
                                + " applied{}", file, line, i == segments.size() - 1 ? " (the crash came while it"
                                + " was written)" : "");
                        return out;
                    }
                    out.add(e);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the scheduler's journal " + file, e);
            }
        }
        return out;
    }

    private Entry parse(String line) {
        int space = line.indexOf(' ');
        if (space != 8) {
            return null;
        }
        String body = line.substring(9);
        if (!String.format("%08x", crc(body.getBytes(StandardCharsets.UTF_8))).equals(line.substring(0, 8))) {
            return null;
        }
        try {
            return json.readValue(body, Entry.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static long crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return crc.getValue();
    }

    /**
     * Called once the pending entries were applied again: writes the store, deletes the old segments and opens a
     * new one for appends.
     */
    void replayed() {
        if (dir == null) {
            return;
        }
        writeStore.run();
        List<Path> old = segments();
        synchronized (lock) {
            segment = old.isEmpty() ? 1 : number(old.get(old.size() - 1)) + 1;
            current = openSegment(segment);
        }
        deleteBefore(segment);
    }

    /** Starts the checkpoints every {@link #CHECKPOINT_INTERVAL}. */
    public void start() {
        if (dir == null) {
            return;
        }
        synchronized (lock) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "scheduler-journal");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::checkpointLogged, CHECKPOINT_INTERVAL.toMillis(),
                    CHECKPOINT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Appends one reply's entry (nothing when it promises nothing); returns once it is in the file. Call after the
     * entry's transactions committed and before the reply goes out.
     *
     * @throws UncheckedIOException when it cannot be written (the reply must then not go out)
     */
    void append(Entry entry) {
        if (dir == null || entry.isEmpty()) {
            return;
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a scheduler journal entry as JSON", e);
        }
        byte[] head = String.format("%08x ", crc(body)).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer line = ByteBuffer.allocate(head.length + body.length + 1);
        line.put(head).put(body).put((byte) '\n').flip();
        synchronized (lock) {
            if (current == null) {
                throw new IllegalStateException("the scheduler's journal is " + (closed ? "closed" : "not open yet"));
            }
            try {
                while (line.hasRemaining()) {
                    current.write(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the scheduler's journal in " + dir + ": "
                        + e.getMessage(), e);
            }
            entries++;
            bytes += line.limit();
        }
    }

    /**
     * Starts a new segment, writes the store, then deletes the segments before the new one. Returns the number of
     * the new segment.
     */
    long checkpoint() {
        long next;
        synchronized (lock) {
            if (current == null) {
                return segment;
            }
            FileChannel newer = openSegment(segment + 1);
            closeQuietly(current);
            current = newer;
            next = ++segment;
        }
        writeStore.run(); // holds every entry appended before the new segment began
        deleteBefore(next);
        synchronized (lock) {
            checkpoints++;
        }
        return next;
    }

    private void checkpointLogged() {
        try {
            checkpoint();
        } catch (RuntimeException e) {
            // the segments stay; the next checkpoint tries again, and a restart applies them
            LOG.error("scheduler journal: writing the database failed ({}); its segments are kept", e.toString());
        }
    }

    public Counts counts() {
        synchronized (lock) {
            return new Counts(entries, bytes, checkpoints);
        }
    }

    /** Segment files, oldest first. */
    private List<Path> segments() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches(PREFIX + "\\d+" + SUFFIX))
                    .sorted(java.util.Comparator.comparingLong(SchedulerJournal::number)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the scheduler's journal " + dir, e);
        }
    }

    private static long number(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
    }

    private FileChannel openSegment(long n) {
        Path file = dir.resolve(PREFIX + n + SUFFIX);
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the scheduler's journal segment " + file, e);
        }
    }

    private void deleteBefore(long n) {
        for (Path old : segments()) {
            if (number(old) < n) {
                try {
                    Files.deleteIfExists(old);
                } catch (IOException e) {
                    LOG.warn("cannot delete the scheduler journal segment {}: {}", old, e.toString());
                }
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("closing a scheduler journal segment: {}", e.toString());
        }
    }

    /**
     * Stops the checkpoints and makes a last one, so a clean stop leaves an empty journal; call before the database
     * closes. A failed last checkpoint leaves the segments for the next start.
     */
    @Override
    public void close() {
        if (dir == null) {
            return;
        }
        ScheduledExecutorService t;
        synchronized (lock) {
            if (closed) {
                return;
            }
            t = timer;
        }
        if (t != null) {
            t.shutdownNow();
            try {
                t.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            checkpoint();
        } catch (RuntimeException e) {
            LOG.warn("scheduler journal: the last checkpoint failed ({}); its segments are applied at the next start",
                    e.toString());
        }
        synchronized (lock) {
            closed = true;
            if (current != null) {
                closeQuietly(current);
                current = null;
            }
        }
    }
}

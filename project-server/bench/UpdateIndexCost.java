import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Random;

/**
 * What an UPDATE that changes no indexed column costs on H2 as the table's secondary indexes grow: H2 2.x removes
 * the row from every index and adds it again. A results-like table of 400,000 rows, N of the results table's
 * indexes, then UPDATEs of two columns that no index holds, 4 to a transaction, a CHECKPOINT every 5 transactions
 * (as the group commit makes). Prints process CPU and bytes written per UPDATE after a warm-up.
 * Run: java -cp ~/.m2/repository/com/h2database/h2/2.5.252/h2-2.5.252.jar project-server/bench/UpdateIndexCost.java N
 */
public class UpdateIndexCost {
    private static final String[] INDEXES = {"work_unit_id", "server_state, deadline, id", "host_id",
            "outcome, validate_state", "account_id, work_unit_id", "reported_at", "host_id, unchecked", "host_id, sent_at"};

    public static void main(String[] args) throws Exception {
        int indexes = Integer.parseInt(args[0]);
        Path dir = Files.createTempDirectory("update-index-cost");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db")
                + ";WRITE_DELAY=500;CACHE_SIZE=32768", "sa", "")) {
            Statement s = c.createStatement();
            s.execute("CREATE TABLE results (id BIGINT PRIMARY KEY, work_unit_id BIGINT, host_id BIGINT,"
                    + " account_id BIGINT, server_state VARCHAR(20), deadline TIMESTAMP, outcome VARCHAR(20),"
                    + " validate_state VARCHAR(20), reported_at TIMESTAMP, unchecked BOOLEAN, sent_at TIMESTAMP,"
                    + " granted_credit DOUBLE)");
            for (int i = 0; i < indexes; i++) {
                s.execute("CREATE INDEX ix" + i + " ON results (" + INDEXES[i] + ")");
            }
            c.setAutoCommit(false);
            int rows = 400_000;
            Random random = new Random(1);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO results VALUES (?, ?, ?, ?, 'OVER',"
                    + " CURRENT_TIMESTAMP, 'SUCCESS', 'INIT', CURRENT_TIMESTAMP, FALSE, CURRENT_TIMESTAMP, NULL)")) {
                for (int i = 1; i <= rows; i++) {
                    insert.setLong(1, i);
                    insert.setLong(2, i / 2);
                    insert.setLong(3, random.nextInt(200));
                    insert.setLong(4, random.nextInt(200));
                    insert.addBatch();
                    if (i % 1000 == 0) {
                        insert.executeBatch();
                        c.commit();
                    }
                }
            }
            s.execute("CHECKPOINT");
            try (PreparedStatement update = c.prepareStatement("UPDATE results SET validate_state = ?,"
                    + " granted_credit = ? WHERE id = ?")) {
                run(c, s, update, random, rows, 5_000); // warm-up
                long written = writtenBytes();
                long cpu = processCpu();
                int updates = run(c, s, update, random, rows, 15_000);
                System.out.printf("secondary indexes %d: %.0f us CPU and %.0f bytes written per UPDATE%n", indexes,
                        (processCpu() - cpu) / 1000.0 / updates, (double) (writtenBytes() - written) / updates);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int run(Connection c, Statement s, PreparedStatement update, Random random, int rows,
                           int transactions) throws Exception {
        int updates = 0;
        for (int t = 0; t < transactions; t++) {
            for (int k = 0; k < 4; k++) {
                update.setString(1, t % 2 == 0 ? "VALID" : "INIT");
                update.setDouble(2, t);
                update.setLong(3, 1 + random.nextInt(rows));
                updates += update.executeUpdate();
            }
            c.commit();
            if (t % 5 == 4) {
                s.execute("CHECKPOINT");
            }
        }
        return updates;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long writtenBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring("write_bytes:".length()).trim());
            }
        }
        throw new IllegalStateException("no write_bytes in /proc/self/io");
    }
}

import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreTool;
import org.h2.schema.Schema;

/**
 * Which tables and indexes the last chunks of an H2 database file hold, by bytes: the pages H2 wrote last, summed by
 * the map they belong to. docs/benchmarks.md, "Where the written bytes go". Run it on a load test's database, with
 * the server stopped:
 *
 * <pre>
 * java -jar project-server/target/project-server.jar loadtest --duration 20 --warmup 5 --skip-baselines --data-dir /tmp/ltab
 * java -cp ~/.m2/repository/com/h2database/h2/2.5.252/h2-2.5.252.jar project-server/bench/StoreWrites.java \
 *     /tmp/ltab/server/db/sparecycles [chunks, default 60]
 * </pre>
 */
public class StoreWrites {
    private static final Pattern CHUNK = Pattern.compile("^\\S+ chunkHeader chunk:(\\p{XDigit}+)");
    private static final Pattern PAGE = Pattern.compile("^\\+\\p{XDigit}+ (?:leaf|node), map (\\p{XDigit}+), \\d+ entries,"
            + " (\\d+) bytes");

    public static void main(String[] args) throws Exception {
        String db = args[0];
        int last = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        String file = db + ".mv.db";

        StringWriter dump = new StringWriter();
        MVStoreTool.dump(file, dump, true);
        TreeMap<Integer, Map<Integer, Long>> chunks = new TreeMap<>();
        Map<Integer, Long> current = null;
        for (String line : dump.toString().split("\n")) {
            Matcher c = CHUNK.matcher(line);
            if (c.find()) {
                current = chunks.computeIfAbsent(Integer.parseInt(c.group(1), 16), k -> new HashMap<>());
                continue;
            }
            Matcher p = PAGE.matcher(line);
            if (p.find() && current != null) {
                current.merge(Integer.parseInt(p.group(1), 16), Long.parseLong(p.group(2)), Long::sum);
            }
        }
        Map<Integer, Long> bytes = new HashMap<>();
        chunks.descendingMap().values().stream().limit(last)
                .forEach(m -> m.forEach((map, b) -> bytes.merge(map, b, Long::sum)));

        Map<Integer, String> mapNames = new HashMap<>(); // map id -> "table.107", "index.20", "undoLog.3"
        MVStore store = new MVStore.Builder().fileName(file).readOnly().open();
        try {
            store.getMetaMap().forEach((k, v) -> {
                if (k.startsWith("name.")) {
                    mapNames.put(Integer.parseInt(v, 16), k.substring(5));
                }
            });
        } finally {
            store.close();
        }
        Map<String, String> objects = new HashMap<>(); // "107" -> "RESULTS"
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + db + ";ACCESS_MODE_DATA=r", "sa", "")) {
            SessionLocal session = (SessionLocal) ((JdbcConnection) c).getSession();
            for (Schema schema : session.getDatabase().getAllSchemas()) {
                schema.getAllTablesAndViews(session).forEach(t -> objects.put(String.valueOf(t.getId()), t.getName()));
                schema.getAllIndexes().forEach(i -> objects.put(String.valueOf(i.getId()),
                        i.getName() + " ON " + i.getTable().getName()));
            }
        }

        long total = bytes.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("last %d of %d chunks: %,d bytes of pages%n", Math.min(last, chunks.size()), chunks.size(),
                total);
        Map<String, Long> named = new LinkedHashMap<>();
        bytes.entrySet().stream().sorted(Map.Entry.<Integer, Long>comparingByValue().reversed()).forEach(e -> {
            String map = mapNames.getOrDefault(e.getKey(), e.getKey() == 0 ? "(store metadata)" : "map " + e.getKey());
            String id = map.substring(map.indexOf('.') + 1);
            String name = map.startsWith("table.") || map.startsWith("index.")
                    ? objects.getOrDefault(id, map) + " (" + map + ")" : map;
            named.put(name, e.getValue());
        });
        named.forEach((name, b) -> System.out.printf("%6.1f%%  %s%n", 100.0 * b / total, name));
    }
}

package org.sparecycles.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests that run against PostgreSQL as well as H2: Debian's {@code postgresql}
 * binaries ({@code .ci/run} installs the package when it is missing), a throwaway cluster in a temp dir on a free
 * port, started once per test JVM and stopped when it exits. PostgreSQL refuses to run as root, so as root the
 * cluster belongs to the {@code postgres} user and its programs run through {@code runuser}. Durability settings
 * are off: these tests check SQL and behaviour, not the disk.
 */
final class PostgresCluster {
    private static final String USER = "sparecycles";
    private static PostgresCluster shared;

    private final Path dir;
    private final int port;
    private final Process server;
    private final Map<Path, String> databases = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();

    private PostgresCluster(Path dir, int port, Process server) {
        this.dir = dir;
        this.port = port;
        this.server = server;
    }

    /** The cluster of this JVM, started on first use. */
    static synchronized PostgresCluster shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (IOException | InterruptedException | SQLException e) {
                throw new IllegalStateException("cannot start PostgreSQL for the tests: " + e.getMessage(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "postgres-test-cluster-stop"));
        }
        return shared;
    }

    /**
     * The JDBC URL of the database for a server data dir: a new empty database the first time a data dir asks,
     * the same one when a test restarts a server on the same data dir.
     */
    String databaseFor(Path dataDir) {
        String name = databases.computeIfAbsent(dataDir.toAbsolutePath().normalize(), d -> {
            String db = "test_" + sequence.incrementAndGet();
            try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + db);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create database " + db + ": " + e.getMessage(), e);
            }
            return db;
        });
        return url(name);
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
    }

    private static PostgresCluster start() throws IOException, InterruptedException, SQLException {
        Path bin = binaries();
        Path dir = Files.createTempDirectory("sparecycles-pg");
        Path data = dir.resolve("data");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        run(as(root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--auth=trust",
                "-E", "UTF8", "--no-sync", "--no-instructions")));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process server = new ProcessBuilder(as(root, List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
                "-p", Integer.toString(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=200")))
                .redirectErrorStream(true).redirectOutput(dir.resolve("postgres.log").toFile()).start();
        PostgresCluster cluster = new PostgresCluster(dir, port, server);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        SQLException last = null;
        Object tick = new Object();
        while (System.nanoTime() < end) {
            if (!server.isAlive()) {
                throw new IOException("postgres exited: " + Files.readString(dir.resolve("postgres.log")));
            }
            try (Connection c = DriverManager.getConnection(cluster.url("postgres"))) {
                if (c.isValid(5)) {
                    return cluster;
                }
            } catch (SQLException e) {
                last = e;
            }
            synchronized (tick) {
                tick.wait(100);
            }
        }
        server.destroyForcibly();
        throw new SQLException("PostgreSQL did not accept connections within 60 s", last);
    }

    /** The newest installed PostgreSQL's bin dir (Debian: /usr/lib/postgresql/N/bin). */
    private static Path binaries() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                List<Path> bins = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("postgres")))
                        .sorted(Comparator.comparing(b -> versionOf(b.getParent()))).toList();
                if (!bins.isEmpty()) {
                    return bins.get(bins.size() - 1);
                }
            }
        }
        throw new IOException("no PostgreSQL server under /usr/lib/postgresql: install Debian's postgresql package"
                + " (.ci/run does)");
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static List<String> as(boolean root, List<String> command) {
        if (!root) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        out.addAll(command);
        return out;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private void stop() {
        server.destroy(); // SIGTERM: PostgreSQL's smart shutdown; the servers' pools are closed by now
        try {
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}

package org.sparecycles.server.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.sparecycles.server.ProjectServer;
import org.sparecycles.server.config.ConfigKeys;
import org.sparecycles.server.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: runs the server until Ctrl-C; a shutdown hook closes it cleanly. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the project server until Ctrl-C. Settings: defaults < --config file < SPARECYCLES_*"
                + " environment < options.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", description = "TCP port (0 = any free port; default 8080)")
    Integer port;

    @Option(names = "--bind", description = "address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    String bind;

    @Option(names = "--data-dir", description = "database and file store (default ./sparecycles-data)")
    Path dataDir;

    @Option(names = "--config", description = "properties file with the keys of docs/server.md")
    Path configFile;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "an external PostgreSQL database, e.g. jdbc:postgresql://localhost:5432/sparecycles"
                    + " (user and password from db.user and db.password); default: embedded H2 in the data dir")
    String db;

    @Override
    public Integer call() throws Exception {
        Map<String, String> cli = new LinkedHashMap<>();
        if (port != null) {
            cli.put(ConfigKeys.PORT, port.toString());
        }
        if (bind != null) {
            cli.put(ConfigKeys.BIND_ADDRESS, bind);
        }
        if (dataDir != null) {
            cli.put(ConfigKeys.DATA_DIR, dataDir.toString());
        }
        if (db != null) {
            cli.put(ConfigKeys.DB_URL, db);
        }
        ServerConfig config = ServerConfig.load(configFile, System.getenv(), cli).build();
        ProjectServer server;
        try {
            server = ProjectServer.start(config);
        } catch (RuntimeException e) {
            if (causedByBind(e)) {
                throw new IllegalStateException("cannot listen on " + config.bindAddress() + ":" + config.port()
                        + " (address in use? choose another with --port)", e);
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "sparecycles-shutdown"));
        System.out.println("SpareCycles project server at " + server.baseUri()
                + server.httpsUri().map(u -> " and " + u).orElse("") + " (data in " + config.dataDir()
                + "); Ctrl-C stops it");
        stopped.await();
        return 0;
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }
}

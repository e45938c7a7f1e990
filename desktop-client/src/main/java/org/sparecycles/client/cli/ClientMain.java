package org.sparecycles.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.sparecycles.client.config.ClientConfig;
import org.sparecycles.client.config.DataDirs;
import org.sparecycles.client.engine.ClientEngine;
import org.sparecycles.client.events.EventLog;
import org.sparecycles.client.manager.ManagerOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The client's command line. {@code --headless} runs the engine without a UI, printing the event log to stdout;
 * without it the JavaFX desktop app opens (over its own data directory layout, see {@code docs/client.md}). Exit codes: 0 stopped cleanly (SIGTERM, Ctrl-C), 1 the engine failed
 * (data directory in use, account refused, ...), 2 bad command line.
 */
@Command(name = "sparecycles-client", mixinStandardHelpOptions = true, versionProvider = ClientMain.Version.class,
        description = "SpareCycles volunteer client: computes work units of a project server.",
        sortOptions = false)
public final class ClientMain implements Callable<Integer> {
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    /** Set for the JVM ({@code -D}) by the installed package's headless launcher, whatever its arguments. */
    static final String HEADLESS_PROPERTY = "sparecycles.headless";

    @Option(names = "--headless", defaultValue = "${sys:" + HEADLESS_PROPERTY + ":-false}",
            description = "Run without the desktop UI (needs --server, --email, --password);"
            + " without it the desktop app opens.")
    boolean headless;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:" + ClientConfig.ENV_SERVER + "}",
            description = "Project server URL, e.g. http://localhost:8080.")
    String server;

    @Option(names = "--email", paramLabel = "E", defaultValue = "${env:" + ClientConfig.ENV_EMAIL + "}",
            description = "Account e-mail; the account is created on first use.")
    String email;

    @Option(names = "--password", paramLabel = "P", defaultValue = "${env:" + ClientConfig.ENV_PASSWORD + "}",
            description = "Account password (or env " + ClientConfig.ENV_PASSWORD + ").")
    String password;

    @Option(names = "--name", paramLabel = "N", description = "Name of the account (when created) and the host.")
    String name;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:" + ClientConfig.ENV_DATA_DIR + "}",
            description = "Data directory (default: ~/.sparecycles or the OS convention).")
    Path dataDir;

    @Option(names = "--cores", paramLabel = "N", description = "Tasks run at once (default: all logical cores).")
    Integer cores;

    @Option(names = "--extra-tasks", paramLabel = "N", defaultValue = "1",
            description = "Tasks kept queued beyond one per core (default: ${DEFAULT-VALUE}).")
    int extraTasks;

    @Option(names = "--min-buffer-seconds", paramLabel = "S", defaultValue = "0",
            description = "Least estimated work to keep on hand, in seconds (default: ${DEFAULT-VALUE}).")
    long minBufferSeconds;

    @Option(names = "--poll-seconds", paramLabel = "S", defaultValue = "1",
            description = "Least time between two work requests; the server's request delay applies when longer"
                    + " (default: ${DEFAULT-VALUE}).")
    long pollSeconds;

    @Option(names = "--checkpoint-seconds", paramLabel = "S", defaultValue = "60",
            description = "Least time between two checkpoints of a task; 0: after every input file"
                    + " (default: ${DEFAULT-VALUE}).")
    long checkpointSeconds;

    // Test-only switches: hidden from --help, used by the end-to-end tests.

    /** Test only: {@code wrong-results} makes workers add 1 to each file's count, so results turn INVALID. */
    @Option(names = "--fault-injection", hidden = true, defaultValue = "none")
    String faultInjection;

    /** Test only: workers pause this long after each input file, so tests can kill a task half-way. */
    @Option(names = "--task-delay-ms", hidden = true, defaultValue = "0")
    long taskDelayMs;

    /** Test only: cap of the retry delay after connection errors, in seconds. */
    @Option(names = "--max-backoff-seconds", hidden = true, defaultValue = "600")
    long maxBackoffSeconds;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Parses and runs; returns the exit code. */
    static int run(String... args) {
        return new CommandLine(new ClientMain())
                .execute(args);
    }

    @Override
    public Integer call() {
        PrintWriter err = new PrintWriter(System.err, true);
        if (!headless) {
            return desktop(err);
        }
        ClientConfig config;
        try {
            ClientConfig.Builder builder = builder();
            builder.faultInjection(ClientConfig.FaultInjection.parse(faultInjection));
            config = builder.build();
            builder.warnings().forEach(w -> err.println("warning: " + w));
        } catch (IllegalArgumentException e) {
            err.println("invalid options: " + e.getMessage());
            err.println("usage: --headless --server URL --email E --password P [--name N] [--data-dir DIR]"
                    + " [--cores N]");
            return EXIT_USAGE;
        }
        ClientEngine engine;
        try {
            Files.createDirectories(config.dataDir());
            EventLog events = new EventLog(Clock.systemUTC(), config.dataDir().resolve("events.log"), System.out);
            engine = ClientEngine.open(config, Clock.systemUTC(), events);
        } catch (IOException | IllegalStateException e) {
            err.println("error: " + e.getMessage());
            return EXIT_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(engine::close, "sparecycles-shutdown"));
        engine.start();
        try {
            engine.terminated().join();
            return 0;
        } catch (CompletionException e) {
            err.println("error: " + e.getCause().getMessage());
            engine.close();
            return EXIT_FAILED;
        }
    }

    /**
     * Opens the desktop app over the manager (several attachments, preferences, idle detection). Its own class,
     * so headless runs never load JavaFX.
     */
    private int desktop(PrintWriter err) {
        Path dir = dataDir != null ? dataDir : DataDirs.defaultDir();
        ManagerOptions options = ManagerOptions.defaults(dir).withTaskDelay(Duration.ofMillis(taskDelayMs));
        if (cores != null) {
            options = options.withCores(cores);
        }
        try {
            org.sparecycles.client.ui.DesktopLauncher.run(options);
            return 0;
        } catch (RuntimeException | LinkageError e) {
            err.println("error: cannot open the desktop app (" + e.getMessage() + "); use --headless without a display");
            return EXIT_FAILED;
        }
    }

    private ClientConfig.Builder builder() {
        return ClientConfig.builder()
                .server(server)
                .email(email)
                .password(password)
                .name(name)
                .dataDir(dataDir != null ? dataDir : DataDirs.defaultDir())
                .cores(cores)
                .extraTasks(extraTasks)
                .minBuffer(Duration.ofSeconds(minBufferSeconds))
                .minRequestInterval(Duration.ofSeconds(pollSeconds))
                .backoff(Duration.ofSeconds(Math.min(2, Math.max(1, maxBackoffSeconds))),
                        Duration.ofSeconds(Math.max(1, maxBackoffSeconds)))
                .taskDelay(Duration.ofMillis(taskDelayMs))
                .checkpointInterval(Duration.ofSeconds(checkpointSeconds));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"SpareCycles client " + ClientEngine.CLIENT_VERSION};
        }
    }
}

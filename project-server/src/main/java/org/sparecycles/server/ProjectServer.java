package org.sparecycles.server;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparecycles.server.accounts.Accounts;
import org.sparecycles.server.assimilation.Assimilator;
import org.sparecycles.server.batches.Batches;
import org.sparecycles.server.config.ServerConfig;
import org.sparecycles.server.db.BackgroundLease;
import org.sparecycles.server.db.Database;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.server.hosts.Hosts;
import org.sparecycles.server.lifecycle.Transitioner;
import org.sparecycles.server.lifecycle.WorkShares;
import org.sparecycles.server.projects.Projects;
import org.sparecycles.server.scheduler.Scheduler;
import org.sparecycles.server.scheduler.SchedulerJournal;
import org.sparecycles.server.signing.ProjectKeys;
import org.sparecycles.server.trust.HostTrust;
import org.sparecycles.server.stats.Stats;
import org.sparecycles.server.uploads.OutputUploads;
import org.sparecycles.server.validation.Validator;
import org.sparecycles.server.web.OverloadGuard;
import org.sparecycles.server.web.Routes;
import org.sparecycles.server.web.TlsContext;
import org.sparecycles.server.web.accounts.AccountsEndpoints;
import org.sparecycles.server.web.apps.AppsEndpoints;
import org.sparecycles.server.web.batches.BatchesEndpoints;
import org.sparecycles.server.web.files.FilesEndpoints;
import org.sparecycles.server.web.health.HealthEndpoint;
import org.sparecycles.server.web.hosts.HostsEndpoints;
import org.sparecycles.server.web.projects.ProjectsEndpoints;
import org.sparecycles.server.web.results.ResultsEndpoints;
import org.sparecycles.server.web.scheduler.SchedulerEndpoints;
import org.sparecycles.server.web.signing.ProjectKeyEndpoint;
import org.sparecycles.server.web.ui.WebUi;
import org.sparecycles.workunits.signing.ProjectKey;
import org.sparecycles.workunits.signing.ProjectSigner;

/**
 * A running project server: database and file store in the configured data dir, the HTTP API v1 (see
 * docs/protocol.md) and the background passes. Used by the {@code serve} and {@code demo} commands and by tests,
 * which start it on port 0, move the injected clock and call {@link #runBackgroundPassNow()}.
 *
 * <p>Thread-safe. {@link #close()} stops HTTP, the background thread and the database, in that order.
 */
public final class ProjectServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectServer.class);

    private final ServerConfig config;
    private final Database database;
    private final org.sparecycles.server.db.WriteStallWatch writeStalls;
    private final FileStore files;
    private final Accounts accounts;
    private final Projects projects;
    private final Batches batches;
    private final Stats stats;
    private final BackgroundPasses background;
    private final SchedulerJournal journal;
    private final Undertow undertow;
    private final Routes routes;
    private final int port;
    private final int tlsPort;
    private final ProjectSigner signer;

    private ProjectServer(ServerConfig config, Database database, FileStore files, SchedulerJournal journal) {
        this.config = config;
        this.journal = journal;
        this.database = database;
        this.files = files;
        Jdbc jdbc = database.jdbc();
        var clock = config.clock();
        this.accounts = new Accounts(jdbc, clock, java.time.Duration.ofDays(config.authenticatorIdleDays()));
        this.projects = new Projects(jdbc, clock, config.apps(), config.memoryBoundBytes());
        this.batches = new Batches(jdbc, files, accounts, config.apps(), clock);
        this.stats = new Stats(jdbc, clock);
        HostTrust trust = new HostTrust(config.trust(), new java.security.SecureRandom());
        WorkShares shares = new WorkShares(config.backgroundThreads(), config.backgroundNice());
        this.background = new BackgroundPasses(jdbc, new Transitioner(jdbc, clock, trust, shares),
                new Validator(jdbc, files, config.apps(), clock, trust, shares),
                new Assimilator(jdbc, files, clock, shares), clock,
                new BackgroundLease(jdbc, clock, nodeName(config), leaseLength(config)), shares,
                config.backgroundNice());
        Hosts hosts = new Hosts(jdbc, clock);
        this.signer = ProjectKeys.loadOrCreate(config.signingKeyFile());
        Scheduler scheduler = new Scheduler(jdbc, hosts, config, files, signer, trust, background::poke, journal);

        Routes routes = new Routes(accounts);
        this.routes = routes;
        this.writeStalls = new org.sparecycles.server.db.WriteStallWatch(database.groupCommit(),
                config.writeStallLimit());
        HealthEndpoint.register(routes, database.dataSource(), writeStalls, clock, clock.instant());
        AccountsEndpoints.register(routes, accounts);
        AppsEndpoints.register(routes, config.apps());
        ProjectsEndpoints.register(routes, projects);
        Path uploadTemp = uploadTemp(config.dataDir());
        BatchesEndpoints.register(routes, batches, config.maxBatchBytes(), uploadTemp);
        HostsEndpoints.register(routes, hosts);
        ProjectKeyEndpoint.register(routes, signer.publicKey());
        SchedulerEndpoints.register(routes, scheduler);
        FilesEndpoints.register(routes, files);
        ResultsEndpoints.register(routes, new OutputUploads(jdbc, files, config.maxOutputBytes()),
                config.maxOutputBytes());
        WebUi.register(routes, new WebUi.Services(jdbc, clock, accounts, projects, batches, stats, hosts, config.apps(),
                files, config.maxBatchBytes(), config.dataDir(), uploadTemp, () -> new java.util.TreeMap<>(background.lastRuns())));
        Undertow.Builder http = Undertow.builder()
                .addHttpListener(config.port(), config.bindAddress())
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, config.maxBatchBytes() + (1L << 20))
                .setHandler(new OverloadGuard(routes.handler(), config.maxConcurrentRequests(),
                        config.overloadRetryAfterSeconds()));
        config.tlsKeystore().ifPresent(keystore -> http.addHttpsListener(config.tlsPort(), config.bindAddress(),
                TlsContext.fromKeystore(keystore, config.tlsKeystorePassword())));
        this.undertow = http.build();
        undertow.start();
        this.port = listenerPort("http");
        this.tlsPort = config.tlsKeystore().isPresent() ? listenerPort("https") : -1;
        background.start(config.backgroundIntervalSeconds());
        writeStalls.start();
        journal.start();
    }

    /**
     * Opens the data dir (creating and migrating it as needed) and starts serving.
     *
     * @throws Database.DatabaseInUseException when another process has the data dir's database open
     * @throws UncheckedIOException            when the data dir cannot be prepared
     */
    public static ProjectServer start(ServerConfig config) {
        Database database = Database.open(config.dataDir(), config.dbUrl().orElse(null), config.dbUser(),
                config.dbPassword());
        // on H2, whose commits are written by the group commit, the scheduler's replies are made durable by its
        // journal; on PostgreSQL every commit is durable when it returns
        SchedulerJournal journal = SchedulerJournal.none();
        try {
            if (!database.groupCommit().durableOnCommit()) {
                journal = SchedulerJournal.open(config.dataDir().resolve("journal"),
                        database.groupCommit()::awaitDurable);
            }
            // fsync as the database does: on PostgreSQL, whose commits are durable when they return; not on H2,
            // embedded or given by URL, whose commits the group commit writes later
            ProjectServer server = new ProjectServer(config, database,
                    new FileStore(config.dataDir(), database.groupCommit().durableOnCommit()), journal);
            LOG.info("SpareCycles project server listening on {}{} (data in {})", server.baseUri(),
                    server.httpsUri().map(u -> " and " + u).orElse(""), config.dataDir());
            return server;
        } catch (IOException e) {
            journal.close();
            database.close();
            throw new UncheckedIOException("cannot prepare " + config.dataDir(), e);
        } catch (RuntimeException e) {
            journal.close();
            database.close();
            throw e;
        }
    }

    /** The port actually listened on (the free one chosen when the config says 0). */
    public int port() {
        return port;
    }

    /** {@code http://host:port/}: what clients attach to; API paths start with {@code api/v1/}. */
    public URI baseUri() {
        String host = config.bindAddress().equals("0.0.0.0") || config.bindAddress().equals("::")
                ? "localhost" : config.bindAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/");
    }

    /** The HTTPS port actually listened on, or -1 when no {@code tls.keystore} is configured. */
    public int tlsPort() {
        return tlsPort;
    }

    /** {@code https://host:tlsPort/}, when the server serves TLS. */
    public java.util.Optional<URI> httpsUri() {
        return tlsPort < 0 ? java.util.Optional.empty()
                : java.util.Optional.of(URI.create(baseUri().toString().replaceFirst("^http://(.*):\\d+/$",
                        "https://$1:" + tlsPort + "/")));
    }

    private int listenerPort(String protocol) {
        return undertow.getListenerInfo().stream().filter(l -> l.getProtcol().equals(protocol))
                .map(l -> ((InetSocketAddress) l.getAddress()).getPort()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + protocol + " listener"));
    }

    public ServerConfig config() {
        return config;
    }

    /**
     * Runs transitioner, validator and assimilator once on the calling thread and returns when done. Tests move
     * the injected clock and call this instead of waiting for the background thread.
     */
    public void runBackgroundPassNow() {
        background.runNow();
    }

    /** The database, for tests and tools that count rows. */
    public DataSource dataSource() {
        return database.dataSource();
    }

    /** How the database's commits were made durable so far: writes and the transactions they covered. */
    public org.sparecycles.server.db.GroupCommit.Counts groupCommits() {
        return database.groupCommit().counts();
    }

    /** The scheduler's journal's counts: entries appended, bytes written, checkpoints made. */
    public SchedulerJournal.Counts journalCounts() {
        return journal.counts();
    }

    /** Returns once everything committed so far is written to the database (for tests). */
    void awaitDurable() {
        database.groupCommit().awaitDurable();
    }

    /** The content-addressed file store. */
    public FileStore files() {
        return files;
    }

    /** The project's public key, which clients pin and which verifies every assignment. */
    public ProjectKey projectKey() {
        return signer.publicKey();
    }

    /** Accounts: create, issue authenticators, log in. */
    public Accounts accounts() {
        return accounts;
    }

    /** Projects: create and list. */
    public Projects projects() {
        return projects;
    }

    /** Batches: submit, status, merged results. */
    public Batches batches() {
        return batches;
    }

    /** Every API route as {@code "METHOD /api/v1/path"}. */
    public java.util.List<String> apiRoutes() {
        return routes.apiRoutes();
    }

    /** Credit and validation statistics per host and account. */
    public Stats stats() {
        return stats;
    }

    @Override
    public void close() {
        try {
            undertow.stop();
        } finally {
            try {
                background.close();
            } finally {
                writeStalls.close();
                journal.close(); // its last checkpoint writes the store, while the database is open
                database.close();
                LOG.info("SpareCycles project server on port {} stopped", port);
            }
        }
    }

    /** This node's name in the background lease: host, port setting and a random part (unique per start). */
    private static String nodeName(ServerConfig config) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return host + ":" + config.port() + "/" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** A lease outlives a few missed passes, so only a node that is gone loses it: 3 intervals, at least 15 s. */
    static java.time.Duration leaseLength(ServerConfig config) {
        return java.time.Duration.ofSeconds(Math.max(15, 3 * config.backgroundIntervalSeconds()));
    }

    private static Path uploadTemp(Path dataDir) {
        Path dir = dataDir.resolve("tmp");
        try {
            Files.createDirectories(dir);
            org.sparecycles.server.batches.InputFiles.deleteLeftovers(dir, java.time.Instant.now());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }
}

package org.sparecycles.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparecycles.server.lifecycle.CpuPriority;
import org.sparecycles.server.trust.TrustPolicy;
import org.sparecycles.workunits.app.AppRegistry;

/**
 * The server's configuration: one immutable, validated object, built once at start-up. Sources, later ones
 * winning: the defaults below, a properties file, the environment ({@code SPARECYCLES_*}), the command line
 * (see {@link #load}). Keys are the constants of {@link ConfigKeys}.
 *
 * <p>Defaults: port 8080 (0 = any free port), bind address 127.0.0.1 (use 0.0.0.0 to accept volunteers from other
 * machines), data dir {@code ./sparecycles-data}, background passes every 5 s, clients told to come back after
 * 5 s while there is work and 30 s when there is none, outputs up to 4 MiB, batches up to 512 MiB, 512 MiB of
 * memory per task. The clock (default: system UTC) and the app registry (default: built-in apps) are set only
 * in code, for tests and embedding.
 */
public final class ServerConfig {
    private static final Logger LOG = LoggerFactory.getLogger(ServerConfig.class);
    /** Soft upper limit of {@link #maxOutputBytes()}; larger values are clamped with a warning. */
    public static final long MAX_OUTPUT_BYTES_LIMIT = 1L << 30;
    /** Default of {@link ConfigKeys#BACKGROUND_NICE}. */
    public static final int DEFAULT_BACKGROUND_NICE = 10;

    private final int port;
    private final String bindAddress;
    private final Path dataDir;
    private final Clock clock;
    private final AppRegistry apps;
    private final long backgroundIntervalSeconds;
    private final long schedulerRequestDelaySeconds;
    private final long schedulerIdleDelaySeconds;
    private final long maxOutputBytes;
    private final long maxBatchBytes;
    private final long memoryBoundBytes;
    private final Path signingKeyFile;
    private final TrustPolicy trust;
    private final String dbUrl;
    private final String dbUser;
    private final String dbPassword;
    private final int maxConcurrentRequests;
    private final int schedulerConcurrency;
    private final int backgroundThreads;
    private final int backgroundNice;
    private final long overloadRetryAfterSeconds;
    private final java.time.Duration writeStallLimit;
    private final int authenticatorIdleDays;
    private final Path tlsKeystore;
    private final String tlsKeystorePassword;
    private final int tlsPort;

    private ServerConfig(Builder b) {
        this.port = b.port;
        this.bindAddress = b.bindAddress;
        this.dataDir = b.dataDir.toAbsolutePath().normalize();
        this.clock = b.clock;
        this.apps = b.apps;
        this.backgroundIntervalSeconds = b.backgroundIntervalSeconds;
        this.schedulerRequestDelaySeconds = b.schedulerRequestDelaySeconds;
        this.schedulerIdleDelaySeconds = b.schedulerIdleDelaySeconds;
        this.maxOutputBytes = b.maxOutputBytes;
        this.maxBatchBytes = b.maxBatchBytes;
        this.memoryBoundBytes = b.memoryBoundBytes;
        this.signingKeyFile = (b.signingKeyFile != null ? b.signingKeyFile : dataDir.resolve("keys/project-ed25519.key"))
                .toAbsolutePath().normalize();
        this.trust = new TrustPolicy(b.trustedAfter, b.spotCheckPercent, b.initialQuota, b.maxQuota,
                TrustPolicy.DEFAULT.throttleAfter());
        this.dbUrl = b.dbUrl;
        this.dbUser = b.dbUser;
        this.dbPassword = b.dbPassword;
        this.maxConcurrentRequests = b.maxConcurrentRequests;
        this.schedulerConcurrency = b.schedulerConcurrency;
        this.backgroundThreads = b.backgroundThreads;
        this.backgroundNice = b.backgroundNice;
        this.overloadRetryAfterSeconds = b.overloadRetryAfterSeconds;
        this.writeStallLimit = b.writeStallLimit;
        this.authenticatorIdleDays = b.authenticatorIdleDays;
        this.tlsKeystore = b.tlsKeystore == null ? null : b.tlsKeystore.toAbsolutePath().normalize();
        this.tlsKeystorePassword = b.tlsKeystorePassword;
        this.tlsPort = b.tlsPort;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Layers the sources: defaults, then {@code configFile} (may be null), then environment variables named by
     * {@link ConfigKeys#envName}, then {@code commandLine} (key to value, same keys as the file).
     *
     * @throws InvalidConfigException naming the key and value that is wrong, or an unknown key in the file
     */
    public static Builder load(Path configFile, Map<String, String> environment, Map<String, String> commandLine)
            throws IOException {
        Builder b = builder();
        if (configFile != null) {
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                props.load(in);
            }
            Map<String, String> file = new TreeMap<>();
            props.stringPropertyNames().forEach(k -> file.put(k, props.getProperty(k)));
            for (String key : file.keySet()) {
                if (!ConfigKeys.ALL.contains(key)) {
                    throw new InvalidConfigException(configFile + ": unknown key '" + key + "' (known: "
                            + ConfigKeys.ALL + ")");
                }
            }
            b.setAll(file);
        }
        for (String key : ConfigKeys.ALL) {
            String value = environment.get(ConfigKeys.envName(key));
            if (value != null) {
                b.set(key, value);
            }
        }
        b.setAll(commandLine);
        return b;
    }

    /** TCP port; 0 while configured means any free port (see {@code ProjectServer.port()} for the real one). */
    public int port() {
        return port;
    }

    public String bindAddress() {
        return bindAddress;
    }

    /** Directory holding the database ({@code db/}) and the file store ({@code files/}); absolute. */
    public Path dataDir() {
        return dataDir;
    }

    /** The clock for deadlines, credit decay and timestamps. */
    public Clock clock() {
        return clock;
    }

    public AppRegistry apps() {
        return apps;
    }

    /** Seconds between background passes (transitioner, validator, assimilator). */
    public long backgroundIntervalSeconds() {
        return backgroundIntervalSeconds;
    }

    /** Seconds a client is told to wait before its next request while there is work. */
    public long schedulerRequestDelaySeconds() {
        return schedulerRequestDelaySeconds;
    }

    /** Seconds a client is told to wait when there is no work for it. */
    public long schedulerIdleDelaySeconds() {
        return schedulerIdleDelaySeconds;
    }

    /** Largest output upload accepted, in bytes. */
    public long maxOutputBytes() {
        return maxOutputBytes;
    }

    /** Largest batch submission (the whole multipart body, and the unpacked files), in bytes. */
    public long maxBatchBytes() {
        return maxBatchBytes;
    }

    /** Memory a task may use, sent with each assignment. */
    public long memoryBoundBytes() {
        return memoryBoundBytes;
    }

    /** The project's Ed25519 private key; made there on the first start (default {@code <data dir>/keys/}). */
    public Path signingKeyFile() {
        return signingKeyFile;
    }

    /** JDBC URL of an external database (PostgreSQL), or empty for the embedded H2 under the data dir. */
    public java.util.Optional<String> dbUrl() {
        return java.util.Optional.ofNullable(dbUrl);
    }

    /** User for {@link #dbUrl()}; null when the URL carries it or needs none. */
    public String dbUser() {
        return dbUser;
    }

    /** Password for {@link #dbUrl()}; never printed. */
    public String dbPassword() {
        return dbPassword;
    }

    /**
     * Scheduler requests handled at once; the others wait their turn. More than the processors gain nothing and
     * take the CPU from the background passes that validate and merge what the scheduler took in.
     */
    public int schedulerConcurrency() {
        return schedulerConcurrency;
    }

    /**
     * Threads the background passes (transitioner, validator, assimilator) work on at once, each on its own share of
     * the work units (by id, as BOINC runs several of each daemon with {@code -mod}): on one thread the passes fell
     * behind what the scheduler took in.
     */
    public int backgroundThreads() {
        return backgroundThreads;
    }

    /**
     * How much lower the background passes' CPU priority is than the rest of the server's (a Linux nice
     * increment; 0: the same). With both cores busy, scheduler requests then wait less for a processor and the
     * passes take what the requests leave.
     */
    public int backgroundNice() {
        return backgroundNice;
    }

    /** Requests worked on at once; one more is answered 503 with {@link #overloadRetryAfterSeconds()}. */
    public int maxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    /** The {@code Retry-After} of a 503 answer under overload, in seconds. */
    public long overloadRetryAfterSeconds() {
        return overloadRetryAfterSeconds;
    }

    /**
     * How long a database write may take before the server counts it as stalled: {@code /health} then answers 503
     * ({@link org.sparecycles.server.db.WriteStallWatch}). Not a configuration key: 30 s, shorter in tests.
     */
    public java.time.Duration writeStallLimit() {
        return writeStallLimit;
    }

    /** Days an API authenticator may go unused before it expires; 0 means never. */
    public int authenticatorIdleDays() {
        return authenticatorIdleDays;
    }

    /** The PKCS#12 keystore to serve HTTPS with, or empty when the server speaks plain HTTP only. */
    public java.util.Optional<Path> tlsKeystore() {
        return java.util.Optional.ofNullable(tlsKeystore);
    }

    /** The keystore's password (also its key's); never printed. */
    public String tlsKeystorePassword() {
        return tlsKeystorePassword;
    }

    /** The HTTPS port when {@link #tlsKeystore()} is set (0 = any free port). */
    public int tlsPort() {
        return tlsPort;
    }

    /** Host trust, adaptive replication and daily quotas (docs/trust.md). */
    public TrustPolicy trust() {
        return trust;
    }

    @Override
    public String toString() {
        return "ServerConfig[port=" + port + ", bindAddress=" + bindAddress + ", dataDir=" + dataDir
                + ", backgroundIntervalSeconds=" + backgroundIntervalSeconds + ", schedulerRequestDelaySeconds="
                + schedulerRequestDelaySeconds + ", schedulerIdleDelaySeconds=" + schedulerIdleDelaySeconds
                + ", maxOutputBytes=" + maxOutputBytes + ", maxBatchBytes=" + maxBatchBytes
                + ", memoryBoundBytes=" + memoryBoundBytes + ", signingKeyFile=" + signingKeyFile + ", trust=" + trust
                + ", dbUrl=" + (dbUrl == null ? "(embedded H2)" : dbUrl.replaceAll("(?i)(password=)[^&;]*", "$1***"))
                + ", maxConcurrentRequests=" + maxConcurrentRequests + ", schedulerConcurrency=" + schedulerConcurrency
                + ", backgroundThreads=" + backgroundThreads + ", backgroundNice=" + backgroundNice
                + ", overloadRetryAfterSeconds=" + overloadRetryAfterSeconds + ", authenticatorIdleDays=" + authenticatorIdleDays
                + ", tls=" + (tlsKeystore == null ? "off" : tlsKeystore + " on port " + tlsPort) + "]";
    }

    /** Mutable builder; {@link #build()} validates and freezes. Not thread-safe. */
    public static final class Builder {
        private int port = 8080;
        private String bindAddress = "127.0.0.1";
        private Path dataDir = Path.of("sparecycles-data");
        private Clock clock = Clock.systemUTC();
        private AppRegistry apps = AppRegistry.builtIn();
        private long backgroundIntervalSeconds = 5;
        private long schedulerRequestDelaySeconds = 5;
        private long schedulerIdleDelaySeconds = 30;
        private long maxOutputBytes = 4L << 20;
        private long maxBatchBytes = 512L << 20;
        private long memoryBoundBytes = 512L << 20;
        private Path signingKeyFile;
        private int trustedAfter = TrustPolicy.DEFAULT.trustedAfter();
        private int spotCheckPercent = TrustPolicy.DEFAULT.spotCheckPercent();
        private int initialQuota = TrustPolicy.DEFAULT.initialQuota();
        private int maxQuota = TrustPolicy.DEFAULT.maxQuota();
        private String dbUrl;
        private String dbUser;
        private String dbPassword;
        private int maxConcurrentRequests = 256;
        private int schedulerConcurrency = Runtime.getRuntime().availableProcessors();
        private int backgroundThreads = Runtime.getRuntime().availableProcessors();
        private int backgroundNice = DEFAULT_BACKGROUND_NICE;
        private long overloadRetryAfterSeconds = 10;
        private java.time.Duration writeStallLimit = org.sparecycles.server.db.WriteStallWatch.DEFAULT_LIMIT;
        private int authenticatorIdleDays = 180;
        private Path tlsKeystore;
        private String tlsKeystorePassword = "";
        private int tlsPort = 8443;

        private Builder() {
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder apps(AppRegistry apps) {
            this.apps = Objects.requireNonNull(apps, "apps");
            return this;
        }

        public Builder backgroundIntervalSeconds(long seconds) {
            this.backgroundIntervalSeconds = seconds;
            return this;
        }

        public Builder schedulerRequestDelaySeconds(long seconds) {
            this.schedulerRequestDelaySeconds = seconds;
            return this;
        }

        public Builder schedulerIdleDelaySeconds(long seconds) {
            this.schedulerIdleDelaySeconds = seconds;
            return this;
        }

        public Builder maxOutputBytes(long bytes) {
            this.maxOutputBytes = bytes;
            return this;
        }

        public Builder maxBatchBytes(long bytes) {
            this.maxBatchBytes = bytes;
            return this;
        }

        public Builder memoryBoundBytes(long bytes) {
            this.memoryBoundBytes = bytes;
            return this;
        }

        /** The project key file; null (the default) means {@code keys/project-ed25519.key} in the data dir. */
        public Builder signingKeyFile(Path file) {
            this.signingKeyFile = file;
            return this;
        }

        /** An external database's JDBC URL ({@code jdbc:postgresql://...}); null or empty means embedded H2. */
        public Builder dbUrl(String url) {
            this.dbUrl = url == null || url.isBlank() ? null : url.trim();
            return this;
        }

        public Builder dbUser(String user) {
            this.dbUser = user == null || user.isBlank() ? null : user;
            return this;
        }

        public Builder dbPassword(String password) {
            this.dbPassword = password == null || password.isEmpty() ? null : password;
            return this;
        }

        /** Scheduler requests handled at once (more wait their turn). */
        public Builder schedulerConcurrency(int requests) {
            this.schedulerConcurrency = requests;
            return this;
        }

        /** Threads the background passes work on at once, each on its share of the work units. */
        public Builder backgroundThreads(int threads) {
            this.backgroundThreads = threads;
            return this;
        }

        /** How much lower the background passes' CPU priority is (Linux nice increment, 0 to 19). */
        public Builder backgroundNice(int nice) {
            this.backgroundNice = nice;
            return this;
        }

        /** Requests worked on at once (more: 503), and the {@code Retry-After} seconds of that answer. */
        public Builder overloadLimit(int maxConcurrentRequests, long retryAfterSeconds) {
            this.maxConcurrentRequests = maxConcurrentRequests;
            this.overloadRetryAfterSeconds = retryAfterSeconds;
            return this;
        }

        /** How long a database write may take before {@code /health} counts it as stalled (default 30 s). */
        public Builder writeStallLimit(java.time.Duration limit) {
            this.writeStallLimit = limit;
            return this;
        }

        /** Days an authenticator may go unused before it expires; 0 means never. */
        public Builder authenticatorIdleDays(int days) {
            this.authenticatorIdleDays = days;
            return this;
        }

        /** Serves HTTPS on {@code port} (0 = any free one) with the PKCS#12 keystore; null turns TLS off. */
        public Builder tls(Path keystore, String password, int port) {
            this.tlsKeystore = keystore;
            this.tlsKeystorePassword = password == null ? "" : password;
            this.tlsPort = port;
            return this;
        }

        /** Consecutive valid results that make a host trusted for an app; 0 turns adaptive replication off. */
        public Builder trustedAfter(int results) {
            this.trustedAfter = results;
            return this;
        }

        /** Share of a trusted host's work units still replicated in full, 0 to 100. */
        public Builder spotCheckPercent(int percent) {
            this.spotCheckPercent = percent;
            return this;
        }

        /** Results per day and app a new host may get, and the most that grows to. */
        public Builder dailyQuota(int initial, int max) {
            this.initialQuota = initial;
            this.maxQuota = max;
            return this;
        }

        /** Sets every entry as by {@link #set}. */
        public Builder setAll(Map<String, String> values) {
            values.forEach(this::set);
            return this;
        }

        /**
         * Sets one key from text.
         *
         * @throws InvalidConfigException for an unknown key or a value of the wrong form
         */
        public Builder set(String key, String value) {
            String v = value == null ? "" : value.trim();
            switch (key) {
                case ConfigKeys.PORT -> port((int) number(key, v));
                case ConfigKeys.BIND_ADDRESS -> bindAddress(v);
                case ConfigKeys.DATA_DIR -> dataDir(Path.of(v));
                case ConfigKeys.BACKGROUND_INTERVAL_SECONDS -> backgroundIntervalSeconds(number(key, v));
                case ConfigKeys.SCHEDULER_REQUEST_DELAY_SECONDS -> schedulerRequestDelaySeconds(number(key, v));
                case ConfigKeys.SCHEDULER_IDLE_DELAY_SECONDS -> schedulerIdleDelaySeconds(number(key, v));
                case ConfigKeys.MAX_OUTPUT_BYTES -> maxOutputBytes(number(key, v));
                case ConfigKeys.MAX_BATCH_BYTES -> maxBatchBytes(number(key, v));
                case ConfigKeys.MEMORY_BOUND_BYTES -> memoryBoundBytes(number(key, v));
                case ConfigKeys.SIGNING_KEY_FILE -> signingKeyFile(v.isEmpty() ? null : Path.of(v));
                case ConfigKeys.TRUST_CONSECUTIVE_VALID -> trustedAfter((int) number(key, v));
                case ConfigKeys.TRUST_SPOT_CHECK_PERCENT -> spotCheckPercent((int) number(key, v));
                case ConfigKeys.QUOTA_DAILY_INITIAL -> initialQuota = (int) number(key, v);
                case ConfigKeys.QUOTA_DAILY_MAX -> maxQuota = (int) number(key, v);
                case ConfigKeys.DB_URL -> dbUrl(v);
                case ConfigKeys.DB_USER -> dbUser(v);
                case ConfigKeys.DB_PASSWORD -> dbPassword(value);
                case ConfigKeys.MAX_CONCURRENT_REQUESTS -> maxConcurrentRequests = (int) number(key, v);
                case ConfigKeys.SCHEDULER_CONCURRENCY -> schedulerConcurrency = (int) number(key, v);
                case ConfigKeys.BACKGROUND_THREADS -> backgroundThreads = (int) number(key, v);
                case ConfigKeys.BACKGROUND_NICE -> backgroundNice = (int) number(key, v);
                case ConfigKeys.OVERLOAD_RETRY_AFTER_SECONDS -> overloadRetryAfterSeconds = number(key, v);
                case ConfigKeys.AUTHENTICATOR_IDLE_DAYS -> authenticatorIdleDays = (int) number(key, v);
                case ConfigKeys.TLS_KEYSTORE -> tlsKeystore = v.isEmpty() ? null : Path.of(v);
                case ConfigKeys.TLS_KEYSTORE_PASSWORD -> tlsKeystorePassword = value == null ? "" : value;
                case ConfigKeys.TLS_PORT -> tlsPort = (int) number(key, v);
                default -> throw new InvalidConfigException("unknown configuration key '" + key + "' (known: "
                        + ConfigKeys.ALL + ")");
            }
            return this;
        }

        private static long number(String key, String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new InvalidConfigException(key + ": '" + value + "' is not a whole number");
            }
        }

        /**
         * Validates and freezes.
         *
         * @throws InvalidConfigException naming the first key whose value is out of range or contradicts another
         */
        public ServerConfig build() {
            require(port >= 0 && port <= 65_535, ConfigKeys.PORT, port, "must be 0 (any) to 65535");
            require(!bindAddress.isBlank(), ConfigKeys.BIND_ADDRESS, bindAddress, "must not be empty");
            require(!dataDir.toString().isBlank(), ConfigKeys.DATA_DIR, dataDir, "must not be empty");
            require(backgroundIntervalSeconds >= 1, ConfigKeys.BACKGROUND_INTERVAL_SECONDS,
                    backgroundIntervalSeconds, "must be at least 1");
            require(schedulerRequestDelaySeconds >= 0, ConfigKeys.SCHEDULER_REQUEST_DELAY_SECONDS,
                    schedulerRequestDelaySeconds, "must not be negative");
            require(schedulerIdleDelaySeconds >= schedulerRequestDelaySeconds, ConfigKeys.SCHEDULER_IDLE_DELAY_SECONDS,
                    schedulerIdleDelaySeconds, "must not be less than " + ConfigKeys.SCHEDULER_REQUEST_DELAY_SECONDS
                            + " (" + schedulerRequestDelaySeconds + ")");
            require(maxOutputBytes >= 1024, ConfigKeys.MAX_OUTPUT_BYTES, maxOutputBytes, "must be at least 1024");
            require(maxBatchBytes >= 1024, ConfigKeys.MAX_BATCH_BYTES, maxBatchBytes, "must be at least 1024");
            require(memoryBoundBytes >= 16L << 20, ConfigKeys.MEMORY_BOUND_BYTES, memoryBoundBytes,
                    "must be at least 16 MiB");
            require(dbUrl == null || dbUrl.startsWith("jdbc:postgresql:") || dbUrl.startsWith("jdbc:h2:"),
                    ConfigKeys.DB_URL, dbUrl, "must be a PostgreSQL (jdbc:postgresql://host:port/database) or H2 JDBC URL");
            require(trustedAfter >= 0, ConfigKeys.TRUST_CONSECUTIVE_VALID, trustedAfter, "must not be negative");
            require(spotCheckPercent >= 0 && spotCheckPercent <= 100, ConfigKeys.TRUST_SPOT_CHECK_PERCENT,
                    spotCheckPercent, "must be 0 to 100");
            require(initialQuota >= 0, ConfigKeys.QUOTA_DAILY_INITIAL, initialQuota,
                    "must not be negative (0 turns daily quotas off)");
            require(maxQuota >= initialQuota, ConfigKeys.QUOTA_DAILY_MAX, maxQuota,
                    "must not be less than " + ConfigKeys.QUOTA_DAILY_INITIAL + " (" + initialQuota + ")");
            require(maxConcurrentRequests >= 1, ConfigKeys.MAX_CONCURRENT_REQUESTS, maxConcurrentRequests,
                    "must be at least 1");
            require(schedulerConcurrency >= 1, ConfigKeys.SCHEDULER_CONCURRENCY, schedulerConcurrency,
                    "must be at least 1");
            require(backgroundThreads >= 1 && backgroundThreads <= 64, ConfigKeys.BACKGROUND_THREADS, backgroundThreads,
                    "must be 1 to 64");
            require(backgroundNice >= 0 && backgroundNice <= CpuPriority.MAX_NICE, ConfigKeys.BACKGROUND_NICE,
                    backgroundNice, "must be 0 (the scheduler's priority) to " + CpuPriority.MAX_NICE);
            require(overloadRetryAfterSeconds >= 1 && overloadRetryAfterSeconds <= 3600,
                    ConfigKeys.OVERLOAD_RETRY_AFTER_SECONDS, overloadRetryAfterSeconds, "must be 1 to 3600");
            require(authenticatorIdleDays >= 0, ConfigKeys.AUTHENTICATOR_IDLE_DAYS, authenticatorIdleDays,
                    "must not be negative (0 = never expire)");
            require(tlsPort >= 0 && tlsPort <= 65_535, ConfigKeys.TLS_PORT, tlsPort, "must be 0 (any) to 65535");
            require(tlsKeystore == null || tlsPort == 0 || tlsPort != port, ConfigKeys.TLS_PORT, tlsPort,
                    "must differ from " + ConfigKeys.PORT);
            require(tlsKeystore == null || Files.isReadable(tlsKeystore), ConfigKeys.TLS_KEYSTORE, tlsKeystore,
                    "is not a readable file");
            if (maxOutputBytes > MAX_OUTPUT_BYTES_LIMIT) {
                LOG.warn("{}={} is above the limit {}; using {}", ConfigKeys.MAX_OUTPUT_BYTES, maxOutputBytes,
                        MAX_OUTPUT_BYTES_LIMIT, MAX_OUTPUT_BYTES_LIMIT);
                maxOutputBytes = MAX_OUTPUT_BYTES_LIMIT;
            }
            return new ServerConfig(this);
        }

        private static void require(boolean ok, String key, Object value, String rule) {
            if (!ok) {
                throw new InvalidConfigException(key + "=" + value + ": " + rule);
            }
        }
    }
}

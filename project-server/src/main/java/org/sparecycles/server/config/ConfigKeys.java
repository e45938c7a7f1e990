package org.sparecycles.server.config;

import java.util.List;
import java.util.Locale;

/**
 * Every configuration property name, in one place. In a config file (Java properties) the names are used as
 * they are; in the environment they are upper-cased with dots turned into underscores and prefixed with
 * {@code SPARECYCLES_} (so {@code max.output.bytes} becomes {@code SPARECYCLES_MAX_OUTPUT_BYTES}).
 */
public final class ConfigKeys {
    public static final String PORT = "port";
    public static final String BIND_ADDRESS = "bind.address";
    public static final String DATA_DIR = "data.dir";
    public static final String BACKGROUND_INTERVAL_SECONDS = "background.interval.seconds";
    public static final String SCHEDULER_REQUEST_DELAY_SECONDS = "scheduler.request.delay.seconds";
    public static final String SCHEDULER_IDLE_DELAY_SECONDS = "scheduler.idle.delay.seconds";
    public static final String MAX_OUTPUT_BYTES = "max.output.bytes";
    public static final String MAX_BATCH_BYTES = "max.batch.bytes";
    public static final String MEMORY_BOUND_BYTES = "memory.bound.bytes";
    public static final String SIGNING_KEY_FILE = "signing.key.file";
    public static final String TRUST_CONSECUTIVE_VALID = "trust.consecutive.valid";
    public static final String TRUST_SPOT_CHECK_PERCENT = "trust.spot.check.percent";
    public static final String QUOTA_DAILY_INITIAL = "quota.daily.initial";
    public static final String QUOTA_DAILY_MAX = "quota.daily.max";
    /** JDBC URL of an external database (PostgreSQL); empty means the embedded H2 in the data dir. */
    public static final String DB_URL = "db.url";
    public static final String DB_USER = "db.user";
    public static final String DB_PASSWORD = "db.password";
    /** Requests worked on at once; more are answered 503 with {@code Retry-After}. */
    public static final String MAX_CONCURRENT_REQUESTS = "max.concurrent.requests";
    public static final String OVERLOAD_RETRY_AFTER_SECONDS = "overload.retry.after.seconds";
    /** Scheduler requests handled at once; more wait their turn (default: the number of processors). */
    public static final String SCHEDULER_CONCURRENCY = "scheduler.concurrency";
    /** Threads the background passes spread their work units over (default: the number of processors). */
    public static final String BACKGROUND_THREADS = "background.threads";
    /**
     * How much lower the background passes' CPU priority is than the scheduler's (Linux nice increment, 0 to 19;
     * 0: the same).
     */
    public static final String BACKGROUND_NICE = "background.nice";
    /** Days an authenticator may go unused before it expires; 0 means never. */
    public static final String AUTHENTICATOR_IDLE_DAYS = "authenticator.idle.days";
    /** A PKCS#12 keystore; when set, the server also serves HTTPS on {@link #TLS_PORT}. */
    public static final String TLS_KEYSTORE = "tls.keystore";
    public static final String TLS_KEYSTORE_PASSWORD = "tls.keystore.password";
    public static final String TLS_PORT = "tls.port";

    /** All keys, for checking a config file for misspelt names. */
    public static final List<String> ALL = List.of(PORT, BIND_ADDRESS, DATA_DIR, BACKGROUND_INTERVAL_SECONDS,
            SCHEDULER_REQUEST_DELAY_SECONDS, SCHEDULER_IDLE_DELAY_SECONDS, MAX_OUTPUT_BYTES, MAX_BATCH_BYTES,
            MEMORY_BOUND_BYTES, SIGNING_KEY_FILE, TRUST_CONSECUTIVE_VALID, TRUST_SPOT_CHECK_PERCENT,
            QUOTA_DAILY_INITIAL, QUOTA_DAILY_MAX, DB_URL, DB_USER, DB_PASSWORD, MAX_CONCURRENT_REQUESTS,
            OVERLOAD_RETRY_AFTER_SECONDS, SCHEDULER_CONCURRENCY, BACKGROUND_THREADS, BACKGROUND_NICE,
            AUTHENTICATOR_IDLE_DAYS, TLS_KEYSTORE, TLS_KEYSTORE_PASSWORD, TLS_PORT);

    /** Prefix of environment variables. */
    public static final String ENV_PREFIX = "SPARECYCLES_";

    private ConfigKeys() {
    }

    /** The environment variable that sets this key. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}

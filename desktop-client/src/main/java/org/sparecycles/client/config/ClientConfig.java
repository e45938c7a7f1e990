package org.sparecycles.client.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The client's whole configuration: one typed, validated, immutable object built once at start-up (defaults &lt;
 * environment &lt; command line, see {@code ClientMain}). Durations are never null; {@code name} may be null
 * (then the machine's host name is used).
 *
 * @param server          the project server's base URL, without the {@code /api/v1} suffix or a trailing slash
 * @param email           the volunteer's e-mail (account is created on first use)
 * @param password        the account's password; never printed
 * @param name            name for the account (when created) and the host; null: the machine's host name
 * @param dataDir         where state, cache, slots and the event log live; one client per directory
 * @param cores           worker slots, i.e. tasks run at once
 * @param extraTasks      tasks to keep queued beyond one per slot
 * @param minBuffer       least amount of queued work (estimated run time) to keep
 * @param minRequestInterval least time between two work requests; the server's request delay applies when longer
 * @param backoffBase     first retry delay after a connection error or 5xx
 * @param backoffMax      longest retry delay
 * @param progressRefresh how often progress of running tasks is read (only while tasks run)
 * @param faultInjection  test only: make workers produce wrong results
 * @param taskDelay       test only: pause of the worker after each input file
 * @param checkpointInterval least time between two checkpoints of a task (zero: after every input file); the
 *                        command line's default is {@link #DEFAULT_CHECKPOINT_INTERVAL}
 */
public record ClientConfig(URI server, String email, String password, String name, Path dataDir, int cores,
                           int extraTasks, Duration minBuffer, Duration minRequestInterval, Duration backoffBase,
                           Duration backoffMax, Duration progressRefresh, FaultInjection faultInjection,
                           Duration taskDelay, Duration checkpointInterval) {

    /** Environment variables read as defaults for the command line. */
    public static final String ENV_SERVER = "SPARECYCLES_SERVER";
    public static final String ENV_EMAIL = "SPARECYCLES_EMAIL";
    public static final String ENV_PASSWORD = "SPARECYCLES_PASSWORD";
    public static final String ENV_DATA_DIR = "SPARECYCLES_DATA_DIR";

    /**
     * Checkpoint interval of the headless client unless told otherwise: a minute, as the desktop app's preference
     * and BOINC's "checkpoint at most every 60 seconds". Each checkpoint rewrites every file's results so far, so
     * checkpointing after every file costs time quadratic in the files of a work unit (docs/benchmarks.md,
     * "Whole-system efficiency").
     */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(60);

    /** Largest number of slots accepted; more than this is clamped with a warning. */
    public static final int MAX_CORES = 256;

    /** Test-only faults the worker can inject. */
    public enum FaultInjection {
        /** Honest. */
        NONE,
        /** Every count one too high: the same wrong answer on every host, so several such accounts collude. */
        WRONG_RESULTS,
        /** Same as {@link #WRONG_RESULTS}: identical wrong answers from every account that runs it. */
        COLLUDING,
        /** Always wrong, but in its own way (count + 7): one host that never agrees with anyone. */
        CONSISTENTLY_WRONG,
        /** Wrong by a random amount each time: agrees with nobody, not even itself. */
        RANDOMLY_WRONG;

        /** Parses the command-line spelling ({@code none}, {@code wrong-results}, ...). */
        public static FaultInjection parse(String text) {
            for (FaultInjection f : values()) {
                if (f.spelling().equalsIgnoreCase(text.trim())) {
                    return f;
                }
            }
            throw new IllegalArgumentException("fault-injection: '" + text + "' is not one of none, wrong-results, colluding,"
                    + " consistently-wrong, randomly-wrong");
        }

        public String spelling() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    public ClientConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(minBuffer, "minBuffer");
        Objects.requireNonNull(minRequestInterval, "minRequestInterval");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
        Objects.requireNonNull(progressRefresh, "progressRefresh");
        Objects.requireNonNull(faultInjection, "faultInjection");
        Objects.requireNonNull(taskDelay, "taskDelay");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    }

    /** The server URL as text, the form used in state, events and cache keys. */
    public String serverText() {
        return server.toString();
    }

    @Override
    public String toString() {
        return "ClientConfig[server=" + server + ", email=" + email + ", name=" + name + ", dataDir=" + dataDir
                + ", cores=" + cores + ", extraTasks=" + extraTasks + ", minBuffer=" + minBuffer
                + ", minRequestInterval=" + minRequestInterval + ", faultInjection=" + faultInjection + ", taskDelay=" + taskDelay + "]";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects raw values, then {@link #build()} validates all of them at once and freezes the result. */
    public static final class Builder {
        private String server;
        private String email;
        private String password;
        private String name;
        private Path dataDir;
        private Integer cores;
        private int extraTasks = 1;
        private Duration minBuffer = Duration.ZERO;
        private Duration minRequestInterval = Duration.ofSeconds(1);
        private Duration backoffBase = Duration.ofSeconds(2);
        private Duration backoffMax = Duration.ofMinutes(10);
        private Duration progressRefresh = Duration.ofSeconds(1);
        private FaultInjection faultInjection = FaultInjection.NONE;
        private Duration taskDelay = Duration.ZERO;
        private Duration checkpointInterval = Duration.ZERO;
        private final List<String> warnings = new ArrayList<>();

        public Builder server(String v) { server = v; return this; }
        public Builder email(String v) { email = v; return this; }
        public Builder password(String v) { password = v; return this; }
        public Builder name(String v) { name = v; return this; }
        public Builder dataDir(Path v) { dataDir = v; return this; }
        public Builder cores(Integer v) { cores = v; return this; }
        public Builder extraTasks(int v) { extraTasks = v; return this; }
        public Builder minBuffer(Duration v) { minBuffer = v; return this; }
        public Builder minRequestInterval(Duration v) { minRequestInterval = v; return this; }
        public Builder backoff(Duration base, Duration max) { backoffBase = base; backoffMax = max; return this; }
        public Builder progressRefresh(Duration v) { progressRefresh = v; return this; }
        public Builder faultInjection(FaultInjection v) { faultInjection = v; return this; }
        public Builder taskDelay(Duration v) { taskDelay = v; return this; }
        public Builder checkpointInterval(Duration v) { checkpointInterval = v; return this; }

        /** Warnings about values that were clamped by the last {@link #build()}. */
        public List<String> warnings() {
            return List.copyOf(warnings);
        }

        /**
         * Validates every value, collecting all problems.
         *
         * @throws IllegalArgumentException naming each bad key and value
         */
        public ClientConfig build() {
            warnings.clear();
            List<String> problems = new ArrayList<>();
            URI uri = parseServer(problems);
            if (email == null || email.isBlank() || !email.contains("@")) {
                problems.add("email: '" + email + "' is not an e-mail address");
            }
            if (password == null || password.isEmpty()) {
                problems.add("password: missing");
            }
            if (dataDir == null) {
                problems.add("data-dir: missing");
            }
            int available = Runtime.getRuntime().availableProcessors();
            int slots = cores == null ? available : cores;
            if (slots < 1) {
                problems.add("cores: " + slots + " is below 1");
            } else if (slots > MAX_CORES) {
                warnings.add("cores: " + slots + " is above " + MAX_CORES + "; using " + MAX_CORES);
                slots = MAX_CORES;
            }
            if (extraTasks < 0) {
                problems.add("extra-tasks: " + extraTasks + " is below 0");
            }
            requireNonNegative("min-buffer-seconds", minBuffer, problems);
            requireNonNegative("task-delay-ms", taskDelay, problems);
            requireNonNegative("checkpoint-seconds", checkpointInterval, problems);
            if (minRequestInterval.isNegative() || minRequestInterval.isZero()) {
                problems.add("poll-seconds: " + minRequestInterval.toSeconds() + " must be at least 1");
            }
            if (backoffBase.isNegative() || backoffBase.isZero() || backoffMax.compareTo(backoffBase) < 0) {
                problems.add("backoff: base " + backoffBase + " must be positive and not above max " + backoffMax);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            String cleanName = name == null || name.isBlank() ? null : name.trim();
            return new ClientConfig(uri, email.trim(), password, cleanName, dataDir.toAbsolutePath().normalize(),
                    slots, extraTasks, minBuffer, minRequestInterval, backoffBase, backoffMax, progressRefresh, faultInjection,
                    taskDelay, checkpointInterval);
        }

        private URI parseServer(List<String> problems) {
            if (server == null || server.isBlank()) {
                problems.add("server: missing");
                return null;
            }
            String text = server.trim();
            while (text.endsWith("/")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.endsWith("/api/v1")) {
                text = text.substring(0, text.length() - "/api/v1".length());
            }
            try {
                URI uri = new URI(text);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    problems.add("server: '" + server + "' is not an http:// or https:// URL");
                    return null;
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                problems.add("server: '" + server + "' is not a URL (" + e.getReason() + ")");
                return null;
            }
        }

        private static void requireNonNegative(String key, Duration value, List<String> problems) {
            if (value.isNegative()) {
                problems.add(key + ": " + value + " is negative");
            }
        }
    }
}

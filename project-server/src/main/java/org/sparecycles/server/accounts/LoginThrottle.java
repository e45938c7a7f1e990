package org.sparecycles.server.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after {@value #FREE_FAILURES} failed log-ins for one e-mail address (or
 * {@value #FREE_FAILURES_PER_ADDRESS} from one network address, which many people may share behind NAT), each
 * further attempt must wait 2, 4, 8, ... seconds (at most {@link #MAX_WAIT}) after the last failure. A success
 * clears the e-mail's count. One throttle serves the web form and {@code POST /api/v1/accounts/login}, so neither
 * is a way around the other. In memory: a restart forgets, which costs a guesser nothing it could not get by
 * waiting. Thread-safe.
 */
final class LoginThrottle {
    static final int FREE_FAILURES = 3;
    static final int FREE_FAILURES_PER_ADDRESS = 20;
    static final Duration MAX_WAIT = Duration.ofMinutes(15);
    private static final int MAX_ENTRIES = 100_000;

    private record Failures(int count, Instant last) {
    }

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long the caller must still wait before trying again; zero when it may try now. */
    Duration waitFor(String email, String address) {
        Instant now = clock.instant();
        Duration a = remaining(failures.get(emailKey(email)), FREE_FAILURES, now);
        Duration b = remaining(failures.get("ip:" + address), FREE_FAILURES_PER_ADDRESS, now);
        return a.compareTo(b) >= 0 ? a : b;
    }

    void failed(String email, String address) {
        if (failures.size() > MAX_ENTRIES) {
            failures.clear(); // a flood of distinct keys; forgetting is safer than running out of memory
        }
        Instant now = clock.instant();
        failures.merge(emailKey(email), new Failures(1, now), (old, one) -> new Failures(old.count() + 1, now));
        failures.merge("ip:" + address, new Failures(1, now), (old, one) -> new Failures(old.count() + 1, now));
    }

    void succeeded(String email) {
        failures.remove(emailKey(email));
    }

    private static Duration remaining(Failures f, int free, Instant now) {
        if (f == null || f.count() < free) {
            return Duration.ZERO;
        }
        int exponent = Math.min(f.count() - free + 1, 20);
        Duration wait = Duration.ofSeconds(1L << exponent);
        if (wait.compareTo(MAX_WAIT) > 0) {
            wait = MAX_WAIT;
        }
        Duration left = Duration.between(now, f.last().plus(wait));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static String emailKey(String email) {
        return "email:" + (email == null ? "" : email.trim().toLowerCase(Locale.ROOT));
    }
}

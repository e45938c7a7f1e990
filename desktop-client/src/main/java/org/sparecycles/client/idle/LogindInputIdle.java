package org.sparecycles.client.idle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Idleness from systemd-logind's session properties {@code IdleHint} and {@code IdleSinceHint}, where there is no
 * X11 (Wayland): desktop environments set the hint after their own idle delay, so the time is coarse (0 while
 * the user is active, the time since the hint once idle). Read with {@code loginctl}, at most every few seconds.
 */
final class LogindInputIdle implements InputIdleSource {
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(2);

    private final String session;
    private final Clock clock;
    private Instant readAt = Instant.EPOCH;
    private Duration last;

    LogindInputIdle(String session, Clock clock) {
        this.session = session;
        this.clock = clock;
    }

    static Optional<InputIdleSource> open(String session) {
        LogindInputIdle source = new LogindInputIdle(session == null || session.isBlank() ? "self" : session,
                Clock.systemUTC());
        return source.query().isPresent() ? Optional.of(source) : Optional.empty();
    }

    @Override
    public Duration idleTime() {
        Instant now = clock.instant();
        if (Duration.between(readAt, now).compareTo(MIN_INTERVAL) >= 0) {
            readAt = now;
            last = query().map(p -> parse(p, now)).orElse(null);
        }
        return last;
    }

    /** Idle time from {@code IdleHint=yes|no} and {@code IdleSinceHint=<µs since the epoch>}. Pure. */
    static Duration parse(Map<String, String> properties, Instant now) {
        if (!"yes".equals(properties.get("IdleHint"))) {
            return properties.containsKey("IdleHint") ? Duration.ZERO : null;
        }
        try {
            long micros = Long.parseLong(properties.getOrDefault("IdleSinceHint", "0"));
            if (micros <= 0) {
                return null;
            }
            Duration d = Duration.between(Instant.EPOCH.plusNanos(micros * 1000), now);
            return d.isNegative() ? Duration.ZERO : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Optional<Map<String, String>> query() {
        try {
            Process p = new ProcessBuilder("loginctl", "show-session", session, "-p", "IdleHint", "-p",
                    "IdleSinceHint").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            return Optional.of(out.lines().filter(l -> l.contains("="))
                    .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')),
                            l -> l.substring(l.indexOf('=') + 1), (a, b) -> b)));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public String name() {
        return "logind IdleHint of session " + session;
    }
}

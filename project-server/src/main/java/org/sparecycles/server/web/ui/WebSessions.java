package org.sparecycles.server.web.ui;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.sparecycles.server.accounts.Accounts;
import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.workunits.hash.Sha256;

/**
 * Browser sessions and their CSRF tokens. A session cookie holds 32 random bytes; the database keeps only their
 * SHA-256, the account and the session's CSRF token. A visitor without a session gets a random pre-session cookie
 * instead, and the CSRF token of the log-in and sign-up forms is an HMAC of it under a key kept in the data
 * directory ({@link FormKey}).
 * Thread-safe.
 */
public final class WebSessions {
    /** Session cookie: set at log-in, HttpOnly, SameSite=Lax, Secure under TLS. */
    public static final String COOKIE = "sc_session";
    /** Pre-session cookie of visitors who are not logged in, for the CSRF token of the log-in form. */
    public static final String PRE_COOKIE = "sc_pre";
    static final Duration LIFETIME = Duration.ofDays(7);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbc jdbc;
    private final Accounts accounts;
    private final Clock clock;
    private final byte[] key;

    /** A logged-in browser: who, and the token its forms carry. */
    public record Session(String token, Caller caller, String csrf) {
    }

    /** @param formKey the key of the log-in and sign-up forms' CSRF tokens (32 bytes, kept across restarts) */
    public WebSessions(Jdbc jdbc, Accounts accounts, Clock clock, byte[] formKey) {
        this.key = formKey.clone();
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** Starts a session for the account; returns the cookie value. */
    public String create(long accountId) {
        String token = random();
        Instant now = clock.instant();
        jdbc.update("INSERT INTO web_sessions (token_sha256, account_id, csrf_token, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?)", hash(token), accountId, random(), now, now.plus(LIFETIME));
        return token;
    }

    /** The live session for a cookie value, if any; expired sessions are removed on sight. */
    public Optional<Session> find(String token) {
        if (token == null || token.length() != 64) {
            return Optional.empty();
        }
        String hash = hash(token);
        var row = jdbc.queryOne("SELECT account_id, csrf_token, expires_at FROM web_sessions WHERE token_sha256 = ?",
                rs -> new Object[] {rs.getLong(1), rs.getString(2), Jdbc.instant(rs, "expires_at")}, hash);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        if (((Instant) row.get()[2]).isBefore(clock.instant())) {
            delete(token);
            return Optional.empty();
        }
        return accounts.find((Long) row.get()[0]).map(caller -> new Session(token, caller, (String) row.get()[1]));
    }

    /** Ends a session (log-out). */
    public void delete(String token) {
        if (token != null) {
            jdbc.update("DELETE FROM web_sessions WHERE token_sha256 = ?", hash(token));
        }
    }

    /** Ends every session of an account (after its roles change, so they take effect at once). */
    public void deleteAll(long accountId) {
        jdbc.update("DELETE FROM web_sessions WHERE account_id = ?", accountId);
    }

    /** The CSRF token of a visitor who is not logged in, derived from the pre-session cookie. */
    String anonymousCsrf(String preToken) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(("pre:" + preToken).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from this Java runtime", e);
        }
    }

    /** Compares tokens in constant time; null or empty never matches. */
    static boolean matches(String expected, String given) {
        return expected != null && given != null && !given.isEmpty() && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }

    static String random() {
        return HexFormat.of().formatHex(randomBytes(32));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static String hash(String token) {
        return Sha256.hex(token.getBytes(StandardCharsets.US_ASCII));
    }
}

package org.sparecycles.server.accounts;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.sparecycles.server.credit.CreditRules;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.db.Paged;
import org.sparecycles.server.error.ConflictException;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.server.error.TooManyRequestsException;
import org.sparecycles.server.error.UnauthenticatedException;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.protocol.AccountCredit;
import org.sparecycles.workunits.protocol.AccountSession;

/**
 * Accounts, their roles and authenticators. Passwords are stored as PBKDF2 hashes; an authenticator is 32
 * random bytes in hex, of which only the SHA-256 is stored. Thread-safe.
 */
public final class Accounts {
    static final int MIN_PASSWORD_LENGTH = 8;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** An authenticator's last use is written at most this often. */
    private static final Duration LAST_USE_PRECISION = Duration.ofHours(1);
    /**
     * How long an authenticator's account and roles, once read, answer its requests without the database: a busy
     * host's scheduler request and upload each authenticated with a query of three tables. A change of roles
     * clears them on the server that made it; other nodes of a shared database see it within this time.
     */
    static final Duration CALLERS_KEPT = Duration.ofSeconds(2);
    /** Most callers kept; beyond that they are all dropped and read again. */
    private static final int MAX_CALLERS_KEPT = 100_000;

    private final Jdbc jdbc;
    private final Clock clock;
    private final LoginThrottle throttle;
    private final Duration authenticatorIdle;
    /** Callers recently read, by the SHA-256 of their authenticator. */
    private final java.util.concurrent.ConcurrentHashMap<String, Kept> callers =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A caller as read at {@code readAt}, by this server's clock. */
    private record Kept(Caller caller, Instant readAt) {
    }

    /** Accounts whose authenticators never expire. */
    public Accounts(Jdbc jdbc, Clock clock) {
        this(jdbc, clock, Duration.ZERO);
    }

    /** @param authenticatorIdle how long an authenticator may go unused before it expires; zero: never */
    public Accounts(Jdbc jdbc, Clock clock, Duration authenticatorIdle) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.throttle = new LoginThrottle(clock);
        this.authenticatorIdle = authenticatorIdle;
    }

    /**
     * Creates an account. E-mail addresses are compared case-insensitively; every account is a volunteer.
     *
     * @param name  shown to others; null or blank means the part of the e-mail before the {@code @}
     * @param roles roles beyond volunteer (may be empty)
     * @return the new account's id
     * @throws InvalidRequestException listing every problem with e-mail, password and name
     * @throws ConflictException when the e-mail is taken
     */
    public long create(String email, String password, String name, Set<Role> roles) {
        List<String> problems = new ArrayList<>();
        String normalized = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(normalized).matches() || normalized.length() > 320) {
            problems.add("email: '" + (email == null ? "" : email) + "' is not an e-mail address");
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            problems.add("password: must have at least " + MIN_PASSWORD_LENGTH + " characters");
        } else if (password.length() > 1024) {
            problems.add("password: must have at most 1024 characters");
        }
        String display = name == null || name.isBlank()
                ? normalized.substring(0, Math.max(0, normalized.indexOf('@'))) : name.trim();
        if (display.length() > 200) {
            problems.add("name: must have at most 200 characters");
        }
        InvalidRequestException.throwIfAny("invalid_account", "the account cannot be created", problems);
        String hash = PasswordHasher.hash(password);
        Set<Role> all = EnumSet.of(Role.VOLUNTEER);
        all.addAll(roles);
        return jdbc.inTransaction(c -> {
            if (Jdbc.queryLong(c, "SELECT COUNT(*) FROM accounts WHERE email = ?", normalized) > 0) {
                throw new ConflictException("email_taken", "an account with e-mail " + normalized + " exists");
            }
            long id = Jdbc.insert(c, "INSERT INTO accounts (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)",
                    normalized, display, hash, clock.instant());
            for (Role role : all) {
                Jdbc.update(c, "INSERT INTO account_roles (account_id, role) VALUES (?, ?)", id, role);
            }
            return id;
        });
    }

    /** Issues a new authenticator for the account; the returned text is shown once and stored only hashed. */
    public String issueAuthenticator(long accountId) {
        byte[] token = new byte[32];
        RANDOM.nextBytes(token);
        String authenticator = HexFormat.of().formatHex(token);
        Instant now = clock.instant();
        jdbc.update("INSERT INTO authenticators (token_sha256, account_id, created_at, last_used_at) VALUES (?, ?, ?, ?)",
                Sha256.hex(authenticator.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), accountId, now, now);
        return authenticator;
    }

    /** Creates a volunteer account and logs it in: {@code POST /accounts}. */
    public AccountSession register(String email, String password, String name) {
        long id = create(email, password, name, Set.of());
        return session(id, issueAuthenticator(id));
    }

    /**
     * Checks the password (throttled, see {@link LoginThrottle}) and issues an authenticator.
     *
     * @param address the caller's network address, for throttling
     * @throws UnauthenticatedException on an unknown e-mail or a wrong password (the same answer for both)
     * @throws TooManyRequestsException after repeated failures, until the wait is over; the password is not checked
     */
    public AccountSession login(String email, String password, String address) {
        long id = checkPassword(email, password, address);
        return session(id, issueAuthenticator(id));
    }

    /**
     * Checks an e-mail and password without issuing anything (the web UI's log-in starts a session instead),
     * throttled like {@link #login}.
     *
     * @return the account's id
     * @throws UnauthenticatedException on an unknown e-mail or a wrong password (the same answer for both)
     * @throws TooManyRequestsException after repeated failures, until the wait is over
     */
    public long checkPassword(String email, String password, String address) {
        Duration wait = throttle.waitFor(email, address);
        if (!wait.isZero()) {
            throw new TooManyRequestsException("too_many_attempts", "too many failed log-ins; try again in "
                    + Math.max(1, (wait.toMillis() + 999) / 1000) + " s", wait);
        }
        try {
            long id = verifyPassword(email, password);
            throttle.succeeded(email);
            return id;
        } catch (UnauthenticatedException e) {
            throttle.failed(email, address);
            throw e;
        }
    }

    private long verifyPassword(String email, String password) {
        String normalized = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        var row = jdbc.queryOne("SELECT id, password_hash FROM accounts WHERE email = ?",
                rs -> new Object[] {rs.getLong(1), rs.getString(2)}, normalized);
        String stored = row.map(r -> (String) r[1]).orElse(null);
        boolean ok = PasswordHasher.verify(password == null ? "" : password, stored);
        if (!ok || row.isEmpty()) {
            throw new UnauthenticatedException("wrong_credentials", "wrong e-mail or password");
        }
        return (Long) row.get()[0];
    }

    /**
     * The account an authenticator belongs to, if it is known. An authenticator unused for longer than the
     * configured idle time is deleted and refused; using one records the time (at most once an hour).
     *
     * @throws UnauthenticatedException {@code authenticator_expired} when it has just expired
     */
    public Optional<Caller> authenticate(String authenticator) {
        if (authenticator == null || authenticator.isBlank()) {
            return Optional.empty();
        }
        String hash = Sha256.hex(authenticator.trim().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Instant now = clock.instant();
        Kept kept = callers.get(hash);
        if (kept != null && !now.isBefore(kept.readAt()) && now.isBefore(kept.readAt().plus(CALLERS_KEPT))) {
            return Optional.of(kept.caller());
        }
        // one query for the authenticator, its account and the account's roles (a row per role), on one connection:
        // every API request runs it (it took three queries on two connections)
        List<AuthenticatedRow> rows = jdbc.query("SELECT t.account_id, t.last_used_at, a.email, r.role"
                + " FROM authenticators t JOIN accounts a ON a.id = t.account_id"
                + " LEFT JOIN account_roles r ON r.account_id = t.account_id WHERE t.token_sha256 = ?",
                rs -> new AuthenticatedRow(rs.getLong(1), Jdbc.instant(rs, "last_used_at"), rs.getString(3),
                        rs.getString(4)), hash);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        long id = rows.get(0).accountId();
        Instant lastUsed = rows.get(0).lastUsed();
        if (!authenticatorIdle.isZero() && lastUsed != null && now.isAfter(lastUsed.plus(authenticatorIdle))) {
            jdbc.update("DELETE FROM authenticators WHERE token_sha256 = ?", hash);
            throw new UnauthenticatedException("authenticator_expired", "this authenticator was not used for "
                    + authenticatorIdle.toDays() + " days and has expired; log in again");
        }
        if (lastUsed == null || now.isAfter(lastUsed.plus(LAST_USE_PRECISION))) {
            jdbc.updateNotYetDurable("UPDATE authenticators SET last_used_at = ? WHERE token_sha256 = ?", now, hash);
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        rows.stream().filter(r -> r.role() != null).forEach(r -> roles.add(Role.valueOf(r.role())));
        Caller caller = new Caller(id, rows.get(0).email(), java.util.Collections.unmodifiableSet(roles));
        if (callers.size() >= MAX_CALLERS_KEPT) {
            callers.clear();
        }
        callers.put(hash, new Kept(caller, now));
        return Optional.of(caller);
    }

    private record AuthenticatedRow(long accountId, Instant lastUsed, String email, String role) {
    }

    /** The id of the account with this e-mail address (compared case-insensitively), if there is one. */
    public Optional<Long> findByEmail(String email) {
        String normalized = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        return jdbc.queryOne("SELECT id FROM accounts WHERE email = ?", rs -> rs.getLong(1), normalized);
    }

    /** The account's credit and its hosts', recent averages decayed to now. */
    public AccountCredit credit(long accountId) {
        Instant now = clock.instant();
        return jdbc.withConnection(c -> {
            AccountCredit account = Jdbc.queryOne(c, "SELECT name, total_credit, recent_credit, recent_credit_at"
                    + " FROM accounts WHERE id = ?", rs -> new AccountCredit(accountId, rs.getString(1),
                    rs.getDouble(2), CreditRules.decayed(rs.getDouble(3), Jdbc.instant(rs, "recent_credit_at"), now),
                    List.of()), accountId).orElseThrow();
            List<AccountCredit.HostCredit> hosts = Jdbc.query(c, "SELECT id, name, total_credit, recent_credit,"
                    + " recent_credit_at FROM hosts WHERE account_id = ? ORDER BY id", rs -> new AccountCredit.HostCredit(
                    rs.getLong(1), rs.getString(2), rs.getDouble(3),
                    CreditRules.decayed(rs.getDouble(4), Jdbc.instant(rs, "recent_credit_at"), now)), accountId);
            return new AccountCredit(accountId, account.name(), account.totalCredit(), account.recentCredit(), hosts);
        });
    }

    public Optional<Caller> find(long accountId) {
        return jdbc.withConnection(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM accounts WHERE id = ?", accountId) == 0
                ? Optional.empty() : Optional.of(caller(c, accountId)));
    }

    /** An account as the admin pages list it. */
    public record AccountRow(long id, String email, String name, Set<Role> roles, boolean showName,
                             java.time.Instant created) {
    }

    /** Accounts on one page of the admins' list. */
    public static final int PAGE_SIZE = 100;

    /**
     * One page of the accounts by id: those whose id is {@code query}, or whose e-mail or name contains it (any case),
     * or all when it is blank.
     */
    public Paged<AccountRow> page(String query, long page) {
        Paged.Search search = Paged.Search.of(query, "id", "email", "name");
        String where = search.where();
        List<Object> args = new ArrayList<>(search.args());
        long total = jdbc.queryOne("SELECT COUNT(*) FROM accounts" + where, rs -> rs.getLong(1), args.toArray())
                .orElse(0L);
        int p = Paged.clamp(page, total, PAGE_SIZE);
        args.add(PAGE_SIZE);
        args.add((long) (p - 1) * PAGE_SIZE);
        List<AccountRow> rows = jdbc.withConnection(c -> {
            List<AccountRow> out = new ArrayList<>();
            for (Object[] r : Jdbc.query(c, "SELECT id, email, name, show_name, created_at FROM accounts" + where
                    + " ORDER BY id LIMIT ? OFFSET ?", rs -> new Object[] {rs.getLong(1), rs.getString(2),
                    rs.getString(3), rs.getBoolean(4), Jdbc.instant(rs, "created_at")}, args.toArray())) {
                long id = (Long) r[0];
                out.add(new AccountRow(id, (String) r[1], (String) r[2], caller(c, id).roles(), (Boolean) r[3],
                        (java.time.Instant) r[4]));
            }
            return out;
        });
        return new Paged<>(rows, p, Paged.pageCount(total, PAGE_SIZE), total, PAGE_SIZE);
    }

    /** The account's display name, if the account exists. */
    public Optional<String> name(long accountId) {
        return jdbc.queryOne("SELECT name FROM accounts WHERE id = ?", rs -> rs.getString(1), accountId);
    }

    /** Whether the account's name may appear on the leaderboard and in the statistics export. */
    public boolean showsName(long accountId) {
        return jdbc.queryOne("SELECT show_name FROM accounts WHERE id = ?", rs -> rs.getBoolean(1), accountId)
                .orElse(false);
    }

    public void setShowName(long accountId, boolean show) {
        jdbc.update("UPDATE accounts SET show_name = ? WHERE id = ?", show, accountId);
    }

    /**
     * Replaces the account's roles; volunteer is always kept.
     *
     * @throws org.sparecycles.server.error.NotFoundException for an unknown account
     */
    public void setRoles(long accountId, Set<Role> roles) {
        Set<Role> all = EnumSet.of(Role.VOLUNTEER);
        all.addAll(roles);
        jdbc.inTransaction(c -> {
            if (Jdbc.queryLong(c, "SELECT COUNT(*) FROM accounts WHERE id = ?", accountId) == 0) {
                throw new org.sparecycles.server.error.NotFoundException("not_found", "no account " + accountId);
            }
            Jdbc.update(c, "DELETE FROM account_roles WHERE account_id = ?", accountId);
            for (Role role : all) {
                Jdbc.update(c, "INSERT INTO account_roles (account_id, role) VALUES (?, ?)", accountId, role);
            }
            return null;
        });
        callers.clear(); // the account's authenticators answer with the new roles from the next request on
    }

    private AccountSession session(long id, String authenticator) {
        return jdbc.withConnection(c -> {
            Caller caller = caller(c, id);
            String name = Jdbc.queryOne(c, "SELECT name FROM accounts WHERE id = ?", rs -> rs.getString(1), id)
                    .orElse("");
            List<String> roles = caller.roles().stream().sorted().map(Role::wireName).toList();
            return new AccountSession(id, caller.email(), name, roles, authenticator);
        });
    }

    private static Caller caller(Connection c, long id) throws SQLException {
        String email = Jdbc.queryOne(c, "SELECT email FROM accounts WHERE id = ?", rs -> rs.getString(1), id)
                .orElseThrow();
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String r : Jdbc.query(c, "SELECT role FROM account_roles WHERE account_id = ?", rs -> rs.getString(1), id)) {
            roles.add(Role.valueOf(r));
        }
        return new Caller(id, email, roles);
    }
}

package org.sparecycles.server.credit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.db.Database;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.db.LockWaits;

/**
 * Grants on a real H2 file: each host and account row is written once per grant, on the condition that its recent
 * average did not change since it was read; grants made at the same time on other connections are not lost.
 */
class CreditLedgerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void concurrentGrantsToOneHostAreAllCounted() throws Exception {
        try (Database db = Database.open(tmp)) {
            Jdbc jdbc = db.jdbc();
            long account = account(jdbc, "v");
            long[] hosts = new long[2];
            for (int i = 0; i < hosts.length; i++) {
                hosts[i] = host(jdbc, account, "h" + i);
            }
            int perThread = 150;
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    long host = hosts[t % 2]; // two threads per host, all four on the one account
                    running.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            jdbc.inTransaction(c -> {
                                CreditLedger.grantAll(c, List.of(new CreditLedger.Grant(host, 1.0)), T0);
                                return null;
                            });
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            // every grant at T0: no decay, so the average is the sum of grant x ln 2 / 7
            double perGrant = CreditRules.afterGrant(0, null, 1.0, T0);
            for (long host : hosts) {
                assertEquals(2.0 * perThread, jdbc.queryOne("SELECT total_credit FROM hosts WHERE id = ?",
                        rs -> rs.getDouble(1), host).orElseThrow(), 1e-9);
                assertEquals(2 * perThread * perGrant, jdbc.queryOne("SELECT recent_credit FROM hosts WHERE id = ?",
                        rs -> rs.getDouble(1), host).orElseThrow(), 1e-6);
            }
            assertEquals(4.0 * perThread, jdbc.queryOne("SELECT total_credit FROM accounts WHERE id = ?",
                    rs -> rs.getDouble(1), account).orElseThrow(), 1e-9);
            assertEquals(4 * perThread * perGrant, jdbc.queryOne("SELECT recent_credit FROM accounts WHERE id = ?",
                    rs -> rs.getDouble(1), account).orElseThrow(), 1e-6);
            assertEquals(4L * perThread, jdbc.queryLong("SELECT COUNT(*) FROM credit_grants"));

            // a later grant decays what was there: a week later, half of it plus the new grant's share
            double before = jdbc.queryOne("SELECT recent_credit FROM accounts WHERE id = ?", rs -> rs.getDouble(1),
                    account).orElseThrow();
            jdbc.inTransaction(c -> {
                CreditLedger.grantAll(c, List.of(new CreditLedger.Grant(hosts[0], 1.0)), T0.plus(Duration.ofDays(7)));
                return null;
            });
            assertEquals(before / 2 + perGrant, jdbc.queryOne("SELECT recent_credit FROM accounts WHERE id = ?",
                    rs -> rs.getDouble(1), account).orElseThrow(), 1e-6);
        }
    }

    private static long account(Jdbc jdbc, String name) {
        return jdbc.inTransaction(c -> Jdbc.insert(c, "INSERT INTO accounts (email, name, password_hash, created_at)"
                + " VALUES (?, ?, 'x', ?)", name + "@example.org", name, T0));
    }

    private static long host(Jdbc jdbc, long account, String name) {
        return jdbc.inTransaction(c -> Jdbc.insert(c, "INSERT INTO hosts (account_id, name, os_name, os_version,"
                + " cpu_model, cores, memory_bytes, benchmark_gflops, client_version, created_at, last_contact_at)"
                + " VALUES (?, ?, 'Linux', '6', 'cpu', 2, 1, 1.0, '1', ?, ?)", account, name, T0, T0));
    }

    @Test
    void aGroupsGrantsTakeTheHostsAndThenTheAccountsEachInIdOrder() throws Exception {
        try (Database db = Database.open(tmp)) {
            Jdbc jdbc = db.jdbc();
            long first = account(jdbc, "first");
            long second = account(jdbc, "second");
            long ofSecond = host(jdbc, second, "a"); // the lower host id belongs to the higher account id
            long ofFirst = host(jdbc, first, "b");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try (java.sql.Connection other = db.dataSource().getConnection();
                 java.sql.Connection third = db.dataSource().getConnection()) {
                other.setAutoCommit(false);
                try (java.sql.Statement s = other.createStatement()) {
                    s.executeUpdate("UPDATE accounts SET name = name WHERE id = " + first); // held by another group
                }
                Future<?> granting = pool.submit(() -> jdbc.inTransaction(c -> {
                    CreditLedger.grantAll(c, List.of(new CreditLedger.Grant(ofSecond, 2.0),
                            new CreditLedger.Grant(ofFirst, 3.0), new CreditLedger.Grant(ofSecond, 1.0)), T0);
                    return null;
                }));
                LockWaits.awaitAWaitingSession(db.dataSource(), null);
                // waiting for the first account, the grants hold both hosts and not yet the second account: a group
                // holding that one and waiting for a host would have deadlocked with them
                try {
                    assertEquals(1, LockWaits.updateWithin(third, 1000, "UPDATE accounts SET name = name WHERE id = "
                            + second));
                } catch (java.sql.SQLException e) {
                    throw new AssertionError("the grants held the second account while they waited for the first: "
                            + e.getMessage(), e);
                }
                org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                        () -> LockWaits.updateWithin(third, 1000, "UPDATE hosts SET name = name WHERE id = " + ofFirst),
                        "the hosts are taken before any account");
                other.commit();
                granting.get(10, java.util.concurrent.TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            assertEquals(3.0, jdbc.queryOne("SELECT total_credit FROM hosts WHERE id = ?", rs -> rs.getDouble(1),
                    ofSecond).orElseThrow(), 1e-9);
            assertEquals(3.0, jdbc.queryOne("SELECT total_credit FROM accounts WHERE id = ?", rs -> rs.getDouble(1),
                    first).orElseThrow(), 1e-9);
            assertEquals(3.0, jdbc.queryOne("SELECT total_credit FROM accounts WHERE id = ?", rs -> rs.getDouble(1),
                    second).orElseThrow(), 1e-9);
            assertEquals(3 * CreditRules.afterGrant(0, null, 1.0, T0), jdbc.queryOne("SELECT recent_credit FROM"
                    + " accounts WHERE id = ?", rs -> rs.getDouble(1), second).orElseThrow(), 1e-9);
            assertEquals(3L, jdbc.queryLong("SELECT COUNT(*) FROM credit_grants"), "each grant logged");
        }
    }
}

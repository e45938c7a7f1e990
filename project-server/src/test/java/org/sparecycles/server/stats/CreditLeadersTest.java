package org.sparecycles.server.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.credit.CreditRules;
import org.sparecycles.server.db.Database;
import org.sparecycles.server.db.Jdbc;

/** The credit page's top lists, on a real H2 database: by total, and by recent average decayed to now. */
class CreditLeadersTest {
    @TempDir
    Path tmp;

    @Test
    void recentAverageIsRankedAfterDecayingItToNowAndTotalsByTheStoredFigure() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        try (Database db = Database.open(tmp)) {
            Jdbc jdbc = db.jdbc();
            // account 1: the largest recent figure, but last updated 30 days ago (decayed to about 5% of it);
            // account 2: smaller, updated now; account 3: the largest total, no recent credit
            long a1 = account(jdbc, "old@x.org", 500, 100, now.minus(Duration.ofDays(30)));
            long a2 = account(jdbc, "fresh@x.org", 400, 60, now);
            long a3 = account(jdbc, "total@x.org", 900, 0, null);
            Stats stats = new Stats(jdbc, Clock.fixed(now, ZoneOffset.UTC));

            assertEquals(List.of(a3, a1, a2), stats.accountsByTotal(5).stream().map(Stats.Credited::id).toList());
            List<Stats.Credited> recent = stats.accountsByRecent(2);
            assertEquals(List.of(a2, a1), recent.stream().map(Stats.Credited::id).toList());
            assertEquals(CreditRules.decayed(100, now.minus(Duration.ofDays(30)), now), recent.get(1).recentCredit(),
                    1e-9);
            assertEquals("fresh@x.org", recent.get(0).email());
            assertEquals(List.of(), stats.hostsByRecent(3));
        }
    }

    private static long account(Jdbc jdbc, String email, double total, double recent, Instant recentAt) {
        return jdbc.inTransaction(c -> Jdbc.insert(c, "INSERT INTO accounts (email, name, password_hash, total_credit,"
                + " recent_credit, recent_credit_at, created_at) VALUES (?, ?, 'x', ?, ?, ?, ?)", email,
                email.substring(0, email.indexOf('@')), total, recent, recentAt, Instant.EPOCH));
    }
}

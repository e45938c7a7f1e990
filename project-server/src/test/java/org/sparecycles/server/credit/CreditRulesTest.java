package org.sparecycles.server.credit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CreditRulesTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void oneDayOnAOneGflopsMachineClaims200Cobblestones() {
        assertEquals(200.0, CreditRules.claimed(86_400, 1.0), 1e-9);
        assertEquals(0.0, CreditRules.claimed(-5, 1.0));
        assertEquals(0.0, CreditRules.claimed(Double.NaN, 1.0));
    }

    @Test
    void grantedIsTheMedianClaim() {
        assertEquals(2.0, CreditRules.granted(List.of(9.0, 1.0, 2.0)));
        assertEquals(1.5, CreditRules.granted(List.of(2.0, 1.0)));
        assertEquals(0.0, CreditRules.granted(List.of()));
    }

    @Test
    void recentAverageHalvesEverySevenDays() {
        assertEquals(50.0, CreditRules.decayed(100, T0, T0.plus(Duration.ofDays(7))), 1e-9);
        assertEquals(25.0, CreditRules.decayed(100, T0, T0.plus(Duration.ofDays(14))), 1e-9);
        assertEquals(100.0, CreditRules.decayed(100, T0, T0.minusSeconds(60)), "no growth backwards in time");
    }

    @Test
    void steadyCreditPerDaySettlesAsTheRecentAverage() {
        double recent = 0;
        Instant at = null;
        Instant now = T0;
        for (int day = 0; day < 200; day++) {
            for (int hour = 0; hour < 24; hour++) {
                recent = CreditRules.afterGrant(recent, at, 100.0 / 24, now);
                at = now;
                now = now.plus(Duration.ofHours(1));
            }
        }
        assertEquals(100.0, recent, 1.0);
    }
}

package org.sparecycles.server.credit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The credit arithmetic (see docs/credit.md). Credit is in cobblestones: 200 per day of computing on a
 * 1-GFLOPS machine. Pure functions; thread-safe.
 */
public final class CreditRules {
    /** Cobblestones per GFLOPS-second: 200 per GFLOPS-day. */
    public static final double COBBLESTONES_PER_GFLOPS_SECOND = 200.0 / 86_400.0;
    /** Half-life of the recent average credit. */
    public static final Duration RECENT_HALF_LIFE = Duration.ofDays(7);

    private CreditRules() {
    }

    /** What a result claims: CPU seconds times the host's benchmark (GFLOPS) times the cobblestone scale. */
    public static double claimed(double cpuSeconds, double benchmarkGflops) {
        if (!(cpuSeconds > 0) || !(benchmarkGflops > 0) || !Double.isFinite(cpuSeconds * benchmarkGflops)) {
            return 0;
        }
        return cpuSeconds * benchmarkGflops * COBBLESTONES_PER_GFLOPS_SECOND;
    }

    /** What every valid result of a work unit is granted: the median of their claims (mean of the middle two). */
    public static double granted(List<Double> claims) {
        if (claims.isEmpty()) {
            return 0;
        }
        double[] sorted = claims.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * The recent average credit (credit per day) decayed from {@code since} to {@code now}: it halves every
     * {@link #RECENT_HALF_LIFE}. A time before {@code since} decays nothing.
     */
    public static double decayed(double recentCredit, Instant since, Instant now) {
        if (since == null || recentCredit == 0) {
            return recentCredit;
        }
        double seconds = Math.max(0, Duration.between(since, now).toMillis() / 1000.0);
        return recentCredit * Math.pow(0.5, seconds / RECENT_HALF_LIFE.toSeconds());
    }

    /**
     * The recent average after a grant at {@code now}: the old average decayed, plus the grant times
     * ln 2 / half-life (in days), so a steady {@code c} credit per day settles at an average of {@code c}.
     */
    public static double afterGrant(double recentCredit, Instant since, double grant, Instant now) {
        double halfLifeDays = RECENT_HALF_LIFE.toSeconds() / 86_400.0;
        return decayed(recentCredit, since, now) + grant * Math.log(2) / halfLifeDays;
    }
}

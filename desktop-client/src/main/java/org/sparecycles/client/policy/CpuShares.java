package org.sparecycles.client.policy;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares the cores among attached projects: first to projects with a deadline at risk (earliest deadline first),
 * then one core at a time to the project furthest behind its resource share (weighted round-robin on the CPU time
 * each has had, like BOINC's recent estimated credit). Pure.
 */
public final class CpuShares {
    /** How long one allocation holds before it is made again. */
    public static final double ROUND_SECONDS = 60;
    private CpuShares() {
    }

    /**
     * One project's claim.
     *
     * @param runnable       tasks it could compute now
     * @param share          its resource share (any positive number; only ratios matter)
     * @param usedCoreSeconds CPU time it has had recently
     * @param atRisk         tasks whose deadline is at risk (they get cores first)
     */
    public record Claim(String id, int runnable, double share, double usedCoreSeconds, int atRisk) {
    }

    /** Cores per project id; projects without runnable tasks get 0. */
    public static Map<String, Integer> allocate(int cores, List<Claim> claims) {
        Map<String, Integer> out = new HashMap<>();
        claims.forEach(c -> out.put(c.id(), 0));
        int left = cores;
        for (Claim c : claims.stream().filter(c -> c.atRisk() > 0).toList()) {
            int give = Math.min(left, Math.min(c.atRisk(), c.runnable()));
            out.merge(c.id(), give, Integer::sum);
            left -= give;
        }
        double totalShare = claims.stream().filter(c -> c.runnable() > 0).mapToDouble(c -> Math.max(0, c.share()))
                .sum();
        double totalUsed = claims.stream().mapToDouble(Claim::usedCoreSeconds).sum();
        while (left > 0) {
            Claim next = claims.stream().filter(c -> out.get(c.id()) < c.runnable())
                    .max(Comparator.comparingDouble((Claim c) -> debt(c, out.get(c.id()), cores, totalShare, totalUsed))
                            .thenComparing(Claim::id, Comparator.reverseOrder()))
                    .orElse(null);
            if (next == null) {
                break;
            }
            out.merge(next.id(), 1, Integer::sum);
            left--;
        }
        return out;
    }

    /**
     * How far behind its share a project would be after this round (of {@link #ROUND_SECONDS} on every core),
     * counting the cores it already got in it: its share of all CPU time minus its own.
     */
    private static double debt(Claim c, int given, int cores, double totalShare, double totalUsed) {
        double fraction = totalShare > 0 && c.runnable() > 0 ? Math.max(0, c.share()) / totalShare : 0;
        return fraction * (totalUsed + cores * ROUND_SECONDS) - (c.usedCoreSeconds() + given * ROUND_SECONDS);
    }
}

package org.sparecycles.server.trust;

/**
 * The numbers of host trust and adaptive replication (docs/trust.md), from the server's configuration.
 *
 * @param trustedAfter     consecutive valid results of one app that make a host trusted for it; 0 turns adaptive
 *                         replication off
 * @param spotCheckPercent share of a trusted host's work units still replicated in full, 0 to 100
 * @param initialQuota     results per day a new host may get per app; 0 turns daily quotas off
 * @param maxQuota         the most a daily quota grows to
 * @param throttleAfter    errors plus invalid results after which a host with more of them than valid ones is
 *                         throttled to one result per day
 */
public record TrustPolicy(int trustedAfter, int spotCheckPercent, int initialQuota, int maxQuota, int throttleAfter) {
    /** BOINC-like defaults: trusted after 10 in a row, 10% spot checks, 100 a day growing to 1000. */
    public static final TrustPolicy DEFAULT = new TrustPolicy(10, 10, 100, 1000, 5);
}

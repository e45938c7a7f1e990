package org.sparecycles.workunits.protocol;

/**
 * How many replicas of a work unit run and how long a host may take. Fields left 0 in a submission take the
 * defaults of {@link #DEFAULT}: quorum 2, target 2, at most 3 errors, at most 6 results, 1 day.
 *
 * @param minQuorum        successful results needed before validation
 * @param targetResults    replicas created at the start
 * @param maxErrorResults  client errors (and missed deadlines) after which the work unit fails
 * @param maxTotalResults  replicas after which the work unit fails
 * @param delayBoundSeconds seconds a host has, from sending, to report
 */
public record RedundancyPolicy(int minQuorum, int targetResults, int maxErrorResults, int maxTotalResults,
                               long delayBoundSeconds) implements ProtocolMessage {

    /** The defaults for a batch that does not say. */
    public static final RedundancyPolicy DEFAULT = new RedundancyPolicy(2, 2, 3, 6, 86_400);

    /** This policy with zero (unset) fields replaced by the defaults. */
    public RedundancyPolicy withDefaults() {
        return new RedundancyPolicy(
                minQuorum == 0 ? DEFAULT.minQuorum : minQuorum,
                targetResults == 0 ? Math.max(DEFAULT.targetResults, minQuorum) : targetResults,
                maxErrorResults == 0 ? DEFAULT.maxErrorResults : maxErrorResults,
                maxTotalResults == 0 ? Math.max(DEFAULT.maxTotalResults, targetResults) : maxTotalResults,
                delayBoundSeconds == 0 ? DEFAULT.delayBoundSeconds : delayBoundSeconds);
    }
}

package org.sparecycles.workunits.protocol;

import java.util.List;

/**
 * {@code GET /api/v1/accounts/me}: the caller's credit, in total and as recent average credit (credit per day,
 * half-life 7 days, decayed to the time of the answer), and the same for each of the account's hosts.
 */
public record AccountCredit(long accountId, String name, double totalCredit, double recentCredit,
                            List<HostCredit> hosts) implements ProtocolMessage {
    public AccountCredit {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    /** One host of the account and its credit. */
    public record HostCredit(long hostId, String name, double totalCredit, double recentCredit) {
    }
}

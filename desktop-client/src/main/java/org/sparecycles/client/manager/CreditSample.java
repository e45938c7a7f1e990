package org.sparecycles.client.manager;

import java.time.Instant;

/** The credit of one attachment's account and of this host at one time, as polled from the server. */
public record CreditSample(Instant time, String projectId, double accountTotal, double accountRecent,
                           double hostTotal, double hostRecent) {
}

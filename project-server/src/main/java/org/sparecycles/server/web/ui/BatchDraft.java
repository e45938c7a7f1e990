package org.sparecycles.server.web.ui;

import java.util.Map;

/** What the new-batch form was filled with, to show it again next to its problems. */
public record BatchDraft(long projectId, String name, String app, Map<String, String> parameters, int minQuorum,
                         int targetResults, int deadlineHours) {
}

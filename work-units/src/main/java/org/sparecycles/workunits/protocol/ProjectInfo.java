package org.sparecycles.workunits.protocol;

import java.util.List;

/**
 * A project as a volunteer sees it when choosing projects: name, description, apps, and what a host needs
 * ({@code minMemoryBytes}, {@code minDiskBytes}, {@code minCores}).
 */
public record ProjectInfo(long id, String name, String description, List<AppInfo> apps, long minMemoryBytes,
                          long minDiskBytes, int minCores) implements ProtocolMessage {
    public ProjectInfo {
        apps = apps == null ? List.of() : List.copyOf(apps);
    }
}

package org.sparecycles.workunits.app;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.sparecycles.workunits.apps.particlecount.ParticleCountApp;

/**
 * Maps app ids to apps: the one place that knows which apps exist. Immutable and thread-safe.
 */
public final class AppRegistry {
    private final Map<String, ScienceApp> apps;

    private AppRegistry(Map<String, ScienceApp> apps) {
        this.apps = Collections.unmodifiableMap(apps);
    }

    /** The apps that ship with SpareCycles. */
    public static AppRegistry builtIn() {
        return of(new ParticleCountApp());
    }

    /** A registry of exactly these apps; ids must be distinct. */
    public static AppRegistry of(ScienceApp... apps) {
        Map<String, ScienceApp> map = new LinkedHashMap<>();
        for (ScienceApp app : apps) {
            if (map.put(app.id(), app) != null) {
                throw new IllegalArgumentException("two apps with id " + app.id());
            }
        }
        return new AppRegistry(map);
    }

    /** The app with this id, if registered. */
    public Optional<ScienceApp> find(String id) {
        return Optional.ofNullable(apps.get(id));
    }

    /** All apps, in registration order. */
    public Collection<ScienceApp> all() {
        return apps.values();
    }
}

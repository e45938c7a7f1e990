package org.sparecycles.client.engine;

/**
 * Observes the engine. Called on the engine's own thread after each change; implementations must return quickly
 * and hand the snapshot over to their own thread (a JavaFX UI uses {@code Platform.runLater}).
 */
@FunctionalInterface
public interface EngineListener {
    void changed(EngineSnapshot snapshot);
}

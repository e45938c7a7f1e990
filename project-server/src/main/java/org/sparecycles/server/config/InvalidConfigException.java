package org.sparecycles.server.config;

/** A configuration value is malformed or contradicts another; the message names the key and the value. */
public final class InvalidConfigException extends IllegalArgumentException {
    public InvalidConfigException(String message) {
        super(message);
    }
}

package org.sparecycles.workunits.app;

/**
 * An app could not process an input: the message says what was wrong and names the file (for example "cells.png:
 * truncated PNG data"). Checked, so callers decide whether it is a client error or a rejected upload.
 */
public class AppException extends Exception {
    public AppException(String message) {
        super(message);
    }

    public AppException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.sparecycles.workunits.image;

/**
 * A file could not be read as an image. The message names the file and the problem, e.g. {@code "cells.png:
 * truncated or corrupt PNG data"}, and is fit to show to the person who supplied the file.
 */
public class ImageDecodingException extends Exception {
    public ImageDecodingException(String message) {
        super(message);
    }

    public ImageDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.sparecycles.workunits.app;

import java.util.Objects;

/**
 * One input file of a work unit as an app sees it: the name the researcher gave it and its bytes. The array is
 * not copied; callers must not change it afterwards.
 */
public record InputFile(String name, byte[] content) {
    public InputFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
    }
}

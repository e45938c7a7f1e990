package org.sparecycles.workunits.app;

import java.util.List;

/** Thrown when parameter values break their declarations; carries every problem found, each naming its parameter. */
public final class InvalidParametersException extends IllegalArgumentException {
    private final transient List<String> problems;

    public InvalidParametersException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One message per problem, each starting with the parameter's name. */
    public List<String> problems() {
        return problems;
    }
}

package org.sparecycles.workunits.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A versioned science application. Implementations are pure: {@link #analyze} reads nothing but its arguments
 * (no files, network or clock), so the same input gives byte-equal canonical output on every platform.
 * Implementations are stateless and thread-safe.
 */
public interface ScienceApp {

    /** Stable id, lower-case with dashes, e.g. {@code particle-count}. */
    String id();

    /** Version string, e.g. {@code 1.0}; part of every assignment. */
    String version();

    /** One sentence for people choosing an app. */
    String description();

    /** The parameters this app takes, in display order. */
    List<ParameterSpec> parameters();

    /**
     * Checks that an input is something this app can read, without analysing it: the server calls this for
     * every file of a batch before storing anything.
     *
     * @throws AppException naming the file and what is wrong with it
     */
    void checkInput(InputFile input) throws AppException;

    /**
     * Analyses one input file.
     *
     * @return this file's result, built from {@code CanonicalJson} nodes (no binary floating point)
     * @throws AppException naming the file and what is wrong with it
     */
    ObjectNode analyze(InputFile input, Parameters parameters) throws AppException;

    /** How the validator compares two outputs of this app; exact bytes unless the app says otherwise. */
    default org.sparecycles.workunits.compare.ResultComparator comparator() {
        return org.sparecycles.workunits.compare.ResultComparator.exact();
    }

    /** Parses raw parameter values against {@link #parameters()}; see {@link Parameters#parse}. */
    default Parameters parseParameters(java.util.Map<String, String> raw) {
        return Parameters.parse(parameters(), raw);
    }
}

package org.sparecycles.workunits.app;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checked, typed parameter values for one app: every declared parameter is present (defaults filled in), no
 * undeclared one is. Immutable and thread-safe.
 */
public final class Parameters {
    private final Map<String, Object> values;

    private Parameters(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Checks raw values against the declarations, collecting every problem before failing.
     *
     * @param specs the app's declarations
     * @param raw   name to raw text; may omit parameters (defaults apply); null means empty
     * @throws InvalidParametersException listing every problem found
     */
    public static Parameters parse(List<ParameterSpec> specs, Map<String, String> raw) {
        Map<String, String> given = raw == null ? Map.of() : raw;
        List<String> problems = new ArrayList<>();
        Map<String, Object> values = new TreeMap<>();
        for (ParameterSpec spec : specs) {
            String text = given.getOrDefault(spec.name(), spec.defaultValue());
            try {
                values.put(spec.name(), spec.parse(text));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        for (String name : given.keySet()) {
            if (specs.stream().noneMatch(s -> s.name().equals(name))) {
                problems.add(name + ": unknown parameter (known: "
                        + specs.stream().map(ParameterSpec::name).toList() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidParametersException(problems);
        }
        return new Parameters(values);
    }

    /** An integer parameter's value. */
    public long getLong(String name) {
        return ((Number) require(name)).longValue();
    }

    /** A numeric parameter's value. */
    public BigDecimal getDecimal(String name) {
        Object v = require(name);
        return v instanceof BigDecimal d ? d : BigDecimal.valueOf(((Number) v).longValue());
    }

    /** A choice parameter's value. */
    public String getString(String name) {
        return (String) require(name);
    }

    /** All values as text, in name order: the form stored and sent to volunteers. */
    public Map<String, String> asText() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v instanceof BigDecimal d ? d.toPlainString() : v.toString()));
        return out;
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return v;
    }

    @Override
    public String toString() {
        return asText().toString();
    }
}

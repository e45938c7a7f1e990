package org.sparecycles.workunits.app;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * One parameter an app declares: its name, type, default, allowed range or choices, and a description for
 * people. Immutable; {@code minimum}, {@code maximum} are null when unbounded and {@code choices} is empty
 * unless the type is {@link Type#CHOICE}.
 */
public record ParameterSpec(String name, Type type, String defaultValue, BigDecimal minimum, BigDecimal maximum,
                            List<String> choices, String description) {

    /** The kinds of value a parameter takes. */
    public enum Type { INTEGER, NUMBER, CHOICE }

    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        choices = choices == null ? List.of() : List.copyOf(choices);
        description = description == null ? "" : description;
    }

    /** An integer parameter within [min, max]; either bound may be null. */
    public static ParameterSpec integer(String name, long defaultValue, Long min, Long max, String description) {
        return new ParameterSpec(name, Type.INTEGER, Long.toString(defaultValue),
                min == null ? null : BigDecimal.valueOf(min), max == null ? null : BigDecimal.valueOf(max),
                List.of(), description);
    }

    /** A decimal parameter within [min, max]; either bound may be null. */
    public static ParameterSpec number(String name, String defaultValue, String min, String max, String description) {
        return new ParameterSpec(name, Type.NUMBER, defaultValue, min == null ? null : new BigDecimal(min),
                max == null ? null : new BigDecimal(max), List.of(), description);
    }

    /** A parameter taking one of the given words; the first is the default unless given. */
    public static ParameterSpec choice(String name, String defaultValue, List<String> choices, String description) {
        return new ParameterSpec(name, Type.CHOICE, defaultValue, null, null, choices, description);
    }

    /**
     * Parses and checks one raw value.
     *
     * @return the typed value: {@code Long}, {@code BigDecimal} or {@code String}
     * @throws IllegalArgumentException with a message naming the parameter, the value and the rule broken
     */
    public Object parse(String raw) {
        String value = raw == null ? "" : raw.trim();
        switch (type) {
            case CHOICE -> {
                if (!choices.contains(value)) {
                    throw new IllegalArgumentException(name + ": '" + raw + "' is not one of " + choices);
                }
                return value;
            }
            case INTEGER -> {
                long parsed;
                try {
                    parsed = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + ": '" + raw + "' is not a whole number");
                }
                checkRange(BigDecimal.valueOf(parsed), raw);
                return parsed;
            }
            case NUMBER -> {
                BigDecimal parsed;
                try {
                    parsed = new BigDecimal(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + ": '" + raw + "' is not a number");
                }
                checkRange(parsed, raw);
                return parsed;
            }
            default -> throw new IllegalStateException("unknown type " + type);
        }
    }

    private void checkRange(BigDecimal value, String raw) {
        if (minimum != null && value.compareTo(minimum) < 0) {
            throw new IllegalArgumentException(name + ": " + raw + " is below the minimum " + minimum.toPlainString());
        }
        if (maximum != null && value.compareTo(maximum) > 0) {
            throw new IllegalArgumentException(name + ": " + raw + " is above the maximum " + maximum.toPlainString());
        }
    }
}

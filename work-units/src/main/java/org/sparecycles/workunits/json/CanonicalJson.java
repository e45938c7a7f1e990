package org.sparecycles.workunits.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical JSON: object keys sorted, no insignificant whitespace, UTF-8, decimals written plainly with the
 * scale the producer chose. Two equal results are therefore byte-equal, so validators compare bytes.
 *
 * <p>Binary floating-point nodes are refused: {@code Double.toString} changed between Java 17 and 19, so
 * apps must round to a fixed number of decimals with {@link #decimal(double, int)}.
 */
public final class CanonicalJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final ObjectWriter SORTED = MAPPER.writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED);

    private CanonicalJson() {
    }

    /** A node factory whose decimals keep their scale exactly. */
    public static JsonNodeFactory nodes() {
        return JsonNodeFactory.withExactBigDecimals(true);
    }

    /** A new empty object node for building canonical output. */
    public static ObjectNode object() {
        return nodes().objectNode();
    }

    /** A new empty array node for building canonical output. */
    public static ArrayNode array() {
        return nodes().arrayNode();
    }

    /** The value rounded half-up to {@code scale} decimals, as an exact decimal node. */
    public static DecimalNode decimal(double value, int scale) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite number: " + value);
        }
        return DecimalNode.valueOf(BigDecimal.valueOf(value).setScale(scale, RoundingMode.HALF_UP));
    }

    /**
     * Writes the tree in canonical form.
     *
     * @throws IllegalArgumentException if the tree holds a float or double node
     */
    public static byte[] write(JsonNode tree) {
        refuseBinaryFloats(tree);
        try {
            return SORTED.writeValueAsBytes(tree); // keys sorted as written: no sorted copy of a large tree
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON tree", e);
        }
    }

    /**
     * The canonical JSON of an object whose values are canonical JSON already ({@link #write}, {@link #array},
     * this method): keys sorted as {@link #write} sorts them. For assembling a large document from parts that were
     * written one at a time, without holding it as one tree.
     */
    public static byte[] object(Map<String, byte[]> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(fields.values().stream().mapToInt(v -> v.length + 16)
                .sum() + 2);
        out.write('{');
        boolean first = true;
        for (Map.Entry<String, byte[]> field : new TreeMap<>(fields).entrySet()) {
            if (!first) {
                out.write(',');
            }
            first = false;
            out.writeBytes(write(TextNode.valueOf(field.getKey())));
            out.write(':');
            out.writeBytes(field.getValue());
        }
        out.write('}');
        return out.toByteArray();
    }

    /** The canonical JSON of an array whose elements are canonical JSON already, in their order. */
    public static byte[] array(List<byte[]> elements) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(elements.stream().mapToInt(e -> e.length + 1).sum() + 2);
        out.write('[');
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(elements.get(i));
        }
        out.write(']');
        return out.toByteArray();
    }

    /** Parses bytes produced by {@link #write}; decimals keep their scale. */
    public static JsonNode read(byte[] json) throws IOException {
        return MAPPER.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .with(nodes()).readTree(json);
    }

    private static void refuseBinaryFloats(JsonNode node) {
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                refuseBinaryFloats(child);
            }
        } else if (node.isFloat() || node.isDouble()) {
            throw new IllegalArgumentException("binary floating-point value " + node
                    + " in canonical JSON; use CanonicalJson.decimal(value, scale)");
        }
    }
}

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
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;

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

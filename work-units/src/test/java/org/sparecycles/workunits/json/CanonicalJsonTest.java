package org.sparecycles.workunits.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    private static ObjectNode sample(boolean reversed) {
        ObjectNode node = CanonicalJson.object();
        if (reversed) {
            node.putArray("objects").addObject().put("area", 5).set("centroid_x", CanonicalJson.decimal(1.5, 3));
            node.put("file", "blobs.png");
            node.put("count", 1);
        } else {
            node.put("count", 1);
            node.put("file", "blobs.png");
            node.putArray("objects").addObject().set("centroid_x", CanonicalJson.decimal(1.5, 3));
            ((ObjectNode) node.get("objects").get(0)).put("area", 5);
        }
        return node;
    }

    @Test
    void writesEqualTreesToEqualBytesWhateverTheInsertionOrder() {
        byte[] one = CanonicalJson.write(sample(false));
        assertArrayEquals(one, CanonicalJson.write(sample(true)));
        assertEquals("{\"count\":1,\"file\":\"blobs.png\",\"objects\":[{\"area\":5,\"centroid_x\":1.500}]}",
                new String(one, StandardCharsets.UTF_8));
    }

    @Test
    void readsBackWhatItWroteToTheSameBytes() throws Exception {
        byte[] written = CanonicalJson.write(sample(false));
        assertArrayEquals(written, CanonicalJson.write(CanonicalJson.read(written)));
    }

    @Test
    void roundsDecimalsHalfUpToTheirScale() {
        assertEquals("1.235", CanonicalJson.decimal(1.2345, 3).decimalValue().toPlainString());
        assertEquals("2.000", CanonicalJson.decimal(2, 3).decimalValue().toPlainString());
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.decimal(Double.NaN, 3));
    }

    @Test
    void sortsKeysByCharCodeAtEveryDepth() {
        ObjectNode inner = CanonicalJson.object().put("é", 1).put("b", 2).put("B", 3).put("_", 4).put("a", 5);
        ObjectNode node = CanonicalJson.object();
        node.putArray("z").add(inner.deepCopy());
        node.set("A", inner);
        String sorted = "{\"B\":3,\"_\":4,\"a\":5,\"b\":2,\"é\":1}";
        assertEquals("{\"A\":" + sorted + ",\"z\":[" + sorted + "]}",
                new String(CanonicalJson.write(node), StandardCharsets.UTF_8));
    }

    @Test
    void objectAndArrayOfCanonicalPartsAreTheCanonicalFormOfTheWhole() {
        ObjectNode whole = CanonicalJson.object();
        whole.put("version", "1.0");
        whole.putArray("files").add(sample(true)).add(sample(false));
        whole.put("Z", 1);
        whole.put("app", "particle-count");

        byte[] assembled = CanonicalJson.object(Map.of(
                "app", CanonicalJson.write(whole.get("app")),
                "files", CanonicalJson.array(List.of(CanonicalJson.write(sample(true)),
                        CanonicalJson.write(sample(false)))),
                "version", CanonicalJson.write(whole.get("version")),
                "Z", CanonicalJson.write(whole.get("Z"))));

        assertArrayEquals(CanonicalJson.write(whole), assembled);
        assertEquals("[]", new String(CanonicalJson.array(List.of()), StandardCharsets.UTF_8));
    }

    @Test
    void refusesBinaryFloatingPointAtAnyDepth() {
        ObjectNode nested = CanonicalJson.object();
        nested.putArray("files").addObject().putArray("objects").addObject().put("mean", 0.25);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CanonicalJson.write(nested));
        assertEquals(true, e.getMessage().contains("0.25"), e.getMessage());
    }

    @Test
    void refusesBinaryFloatingPoint() {
        ObjectNode node = CanonicalJson.object().put("x", 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CanonicalJson.write(node));
        assertEquals(true, e.getMessage().contains("CanonicalJson.decimal"));
    }
}

package org.sparecycles.workunits.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParametersTest {
    private static final List<ParameterSpec> SPECS = List.of(
            ParameterSpec.number("sigma", "1", "0", "8.5", "blur"),
            ParameterSpec.choice("polarity", "dark", List.of("bright", "dark"), "objects"),
            ParameterSpec.integer("min_area", 10, 0L, null, "pixels"));

    @Test
    void fillsInDefaultsForParametersNotGiven() {
        Parameters parameters = Parameters.parse(SPECS, null);
        assertEquals(new BigDecimal("1"), parameters.getDecimal("sigma"));
        assertEquals("dark", parameters.getString("polarity"));
        assertEquals(10, parameters.getLong("min_area"));
    }

    @Test
    void givesValuesAsTextInNameOrder() {
        Parameters parameters = Parameters.parse(SPECS, Map.of("sigma", " 2.50 ", "polarity", "bright"));
        assertEquals(List.of("min_area", "polarity", "sigma"), List.copyOf(parameters.asText().keySet()));
        assertEquals("2.50", parameters.asText().get("sigma"));
    }

    @Test
    void collectsEveryProblemNamingEachParameter() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("sigma", "-1");
        raw.put("polarity", "grey");
        raw.put("min_area", "2.5");
        raw.put("colour", "red");
        InvalidParametersException e = assertThrows(InvalidParametersException.class,
                () -> Parameters.parse(SPECS, raw));
        assertEquals(List.of(
                "sigma: -1 is below the minimum 0",
                "polarity: 'grey' is not one of [bright, dark]",
                "min_area: '2.5' is not a whole number",
                "colour: unknown parameter (known: [sigma, polarity, min_area])"), e.problems());
        assertEquals(String.join("; ", e.problems()), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "sigma    | 8.6 | sigma: 8.6 is above the maximum 8.5",
            "sigma    | abc | sigma: 'abc' is not a number",
            "min_area | -3  | min_area: -3 is below the minimum 0",
            "polarity | \"\" | polarity: '' is not one of [bright, dark]",
    })
    void explainsABadValueByNameValueAndRule(String name, String value, String message) {
        InvalidParametersException e = assertThrows(InvalidParametersException.class,
                () -> Parameters.parse(SPECS, Map.of(name, value)));
        assertEquals(List.of(message), e.problems());
    }

    @Test
    void acceptsTheBoundsThemselves() {
        Parameters parameters = Parameters.parse(SPECS, Map.of("sigma", "8.5", "min_area", "0"));
        assertEquals(new BigDecimal("8.5"), parameters.getDecimal("sigma"));
        assertEquals(0, parameters.getLong("min_area"));
    }

    @Test
    void refusesToReadAParameterThatWasNotDeclared() {
        Parameters parameters = Parameters.parse(SPECS, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parameters.getLong("size"));
        assertEquals("no parameter named size", e.getMessage());
    }
}

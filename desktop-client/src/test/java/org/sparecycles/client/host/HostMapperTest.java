package org.sparecycles.client.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparecycles.workunits.protocol.HostRegistration;

class HostMapperTest {

    /**
     * The Debian reading was captured with {@link HostProbe} on the build machine; the Windows and macOS ones
     * reproduce what OSHI returns there (version, edition as code name, build), the last rows are degenerate.
     */
    static Stream<Arguments> readings() {
        return Stream.of(
                Arguments.of(new HostReadings("vm", "Debian GNU/Linux", "12", "6.18.44-fc-v657", "bookworm",
                                "AMD EPYC", 2, 25_276_510_208L),
                        new HostRegistration("vm", "Debian GNU/Linux", "12 bookworm (build 6.18.44-fc-v657)",
                                "AMD EPYC", 2, 25_276_510_208L, 4.5, "0.1.0")),
                Arguments.of(new HostReadings("DESKTOP-7QK2M", "Windows", "10", "19045", "Pro",
                                "Intel(R) Core(TM) i7-8550U CPU @ 1.80GHz   ", 8, 17_043_398_656L),
                        new HostRegistration("DESKTOP-7QK2M", "Windows", "10 Pro (build 19045)",
                                "Intel(R) Core(TM) i7-8550U CPU @ 1.80GHz", 8, 17_043_398_656L, 4.5, "0.1.0")),
                Arguments.of(new HostReadings("Annas-MacBook-Pro.local", "macOS", "14.2.1", "23C71", "Sonoma",
                                "Apple M1 Pro", 10, 17_179_869_184L),
                        new HostRegistration("Annas-MacBook-Pro.local", "macOS", "14.2.1 Sonoma (build 23C71)",
                                "Apple M1 Pro", 10, 17_179_869_184L, 4.5, "0.1.0")),
                Arguments.of(new HostReadings("  ", null, "", null, "  ", "\t", 0, -1),
                        new HostRegistration("unknown", "unknown", "unknown", "unknown", 1, 0, 4.5, "0.1.0")),
                Arguments.of(new HostReadings("box", "Ubuntu", "22.04.3 LTS (Jammy Jellyfish)", "6.5.0",
                                "Jammy Jellyfish", "Intel(R) Xeon(R)  CPU   E5-2680 v4", 56, 270_000_000_000L),
                        new HostRegistration("box", "Ubuntu", "22.04.3 LTS (Jammy Jellyfish) (build 6.5.0)",
                                "Intel(R) Xeon(R) CPU E5-2680 v4", 56, 270_000_000_000L, 4.5, "0.1.0")));
    }

    @ParameterizedTest
    @MethodSource("readings")
    void mapsRecordedReadingsToTheRegistration(HostReadings readings, HostRegistration expected) {
        assertEquals(expected, HostMapper.toRegistration(readings, null, 4.5, "0.1.0"));
    }

    @ParameterizedTest
    @MethodSource("readings")
    void volunteersChosenNameWins(HostReadings readings, HostRegistration ignored) {
        assertEquals("lab-pc-3", HostMapper.toRegistration(readings, " lab-pc-3 ", 1, "v").name());
    }

    @org.junit.jupiter.api.Test
    void nonsenseBenchmarkIsSentAsZero() {
        HostReadings r = new HostReadings("h", "Linux", "6", null, null, "cpu", 1, 1);
        assertEquals(0.0, HostMapper.toRegistration(r, null, Double.NaN, "v").benchmarkGflops());
        assertEquals(0.0, HostMapper.toRegistration(r, null, -3, "v").benchmarkGflops());
    }
}

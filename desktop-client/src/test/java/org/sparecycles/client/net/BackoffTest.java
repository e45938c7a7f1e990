package org.sparecycles.client.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(600));

    @ParameterizedTest(name = "failure {0}, random {1}: {2} ms")
    @CsvSource({
            "0, 0.5, 0",
            "1, 0.0, 1000", "1, 0.999999, 1999",
            "2, 0.0, 2000", "2, 0.5, 3000",
            "3, 0.0, 4000", "4, 1.0, 16000",
            "9, 0.0, 256000", "10, 0.0, 300000", "10, 1.0, 600000",
            "11, 0.0, 300000", "64, 0.5, 450000", "1000, 1.0, 600000"})
    void doublesUpToTheCapWithJitterInTheUpperHalf(int failures, double random, long expectedMillis) {
        assertEquals(Duration.ofMillis(expectedMillis), backoff.delay(failures, random));
    }

    @ParameterizedTest(name = "failure {0}, random {1}, Retry-After {2} s: {3} ms")
    @CsvSource({
            "1, 0.0, 30, 30000", "1, 1.0, 30, 37500", "1, 0.5, 30, 33750",
            "9, 0.0, 30, 256000",          // our own backoff is longer already
            "1, 0.0, 0, 1000",             // Retry-After: 0 changes nothing
            "1, 0.0, 7200, 7200000",       // above our own cap of 600 s: the server wins
            "1, 0.0, 900000, 86400000"})   // but not beyond a day
    void waitsAtLeastWhatTheServerAsksWithJitterAbove(int failures, double random, long retryAfterSeconds,
                                                      long expectedMillis) {
        assertEquals(Duration.ofMillis(expectedMillis),
                backoff.delay(failures, random, Duration.ofSeconds(retryAfterSeconds)));
    }

    @org.junit.jupiter.api.Test
    void withoutRetryAfterItIsTheOwnBackoff() {
        assertEquals(backoff.delay(3, 0.25), backoff.delay(3, 0.25, null));
    }
}

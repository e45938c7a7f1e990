package org.sparecycles.client.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkFetchPolicyTest {
    @ParameterizedTest(name = "{0} queued ({1} s), {2} slots + {3}, buffer {4} s, {5} s/task: ask {6} s")
    @CsvSource({
            "0, 0, 1, 1, 0, 10, 20",    // empty: one per slot plus one extra
            "1, 10, 1, 1, 0, 10, 10",
            "2, 20, 1, 1, 0, 10, 0",    // full: ask for none
            "5, 50, 2, 1, 0, 10, 0",
            "0, 0, 2, 0, 0, 0, 2",      // no estimate yet: a second per task, so short tasks are not over-fetched
            "3, 30, 2, 1, 100, 10, 70", // the minimum buffer asks for more
            "0, 0, 4, 1, 30, 10, 50"})
    void asksForWhatTheBufferLacks(int queued, double queuedSeconds, int slots, int extra, double minBuffer,
                                   double perTask, double expected) {
        assertEquals(expected, WorkFetchPolicy.workSeconds(queued, queuedSeconds, slots, extra, minBuffer, perTask));
    }
}

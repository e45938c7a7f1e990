package org.sparecycles.client.worker;

import java.util.List;

/**
 * What a successful worker writes to {@code result.json} after {@code output.json}; its presence marks the task
 * as computed. Times are summed over every run of the task (resumed runs continue from the checkpoint's sums).
 *
 * @param resumedAfter files the checkpoint held when this run started
 * @param computed     indexes of the files this run analysed itself
 */
public record WorkerOutcome(long resultId, String outputSha256, long outputSize, double cpuSeconds,
                            double elapsedSeconds, int resumedAfter, List<Integer> computed) {
    public WorkerOutcome {
        computed = computed == null ? List.of() : List.copyOf(computed);
    }
}

package org.sparecycles.client.worker;

import java.util.List;

/**
 * What a successful worker writes to {@code result.json} after {@code output.json}; its presence marks the task
 * as computed. Times are summed over every run of the task (resumed runs continue from the checkpoint's sums).
 *
 * @param resumedAfter files the checkpoint held when this run started
 * @param computed     indexes of the files this run analysed itself
 * @param appCpu       where this run's CPU went; null in files written before it was measured
 */
public record WorkerOutcome(long resultId, String outputSha256, long outputSize, double cpuSeconds,
                            double elapsedSeconds, int resumedAfter, List<Integer> computed, AppCpu appCpu) {
    public WorkerOutcome {
        computed = computed == null ? List.of() : List.copyOf(computed);
    }

    /**
     * The worker process's own CPU (all its threads), in seconds, of the run that finished the task, counted from
     * the JVM's start for a worker's first task and from the client's {@code next} line for the later ones.
     *
     * @param atStart           CPU when the app started: JVM start (first task), reading the task, finding the app
     * @param atEnd             CPU when the app returned its output
     * @param checkpointSeconds CPU of the computing thread spent writing checkpoints and progress in between; not
     *                          the app's, though inside its run
     */
    public record AppCpu(double atStart, double atEnd, double checkpointSeconds) {
        /** CPU of the app itself: from its start to its end, less the checkpoints. */
        public double appSeconds() {
            return Math.max(0, atEnd - atStart - checkpointSeconds);
        }
    }
}

package org.sparecycles.client.engine;

/**
 * How much work to ask for: enough that every slot has a task plus {@code extraTasks} queued, and at least
 * {@code minBufferSeconds} of estimated work on hand. Pure.
 */
final class WorkFetchPolicy {
    /**
     * Estimate for one task before the server has told us anything: small on purpose. The server hands out tasks
     * until their own estimates cover the seconds asked for, so a first request priced at a guessed minute per
     * task took dozens of short tasks at once; at a second per task it takes at most what the slots lack (often
     * fewer, and the next request, priced with the server's estimate, fills the rest).
     */
    static final double DEFAULT_TASK_SECONDS = 1;

    private WorkFetchPolicy() {
    }

    /**
     * @param queuedTasks   tasks not yet computed (downloading, ready, running)
     * @param queuedSeconds their estimated remaining run time
     * @param taskSeconds   estimated run time of one new task
     * @return seconds of work to ask for; 0 asks for none
     */
    static double workSeconds(int queuedTasks, double queuedSeconds, int slots, int extraTasks,
                              double minBufferSeconds, double taskSeconds) {
        double perTask = taskSeconds > 0 ? taskSeconds : DEFAULT_TASK_SECONDS;
        double byTasks = Math.max(0, slots + extraTasks - queuedTasks) * perTask;
        double byBuffer = Math.max(0, minBufferSeconds - queuedSeconds);
        return Math.max(byTasks, byBuffer);
    }
}

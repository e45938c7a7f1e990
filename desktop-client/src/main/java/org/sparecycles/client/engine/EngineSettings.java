package org.sparecycles.client.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the engine may do right now, changeable while it runs ({@link ClientEngine#apply}): how many tasks may
 * compute at once, whether computing is held (and why), whether to fetch new work and how much, and from which
 * projects. The headless client runs with {@link #unrestricted}; the desktop app derives these from the
 * volunteer's preferences, the machine's readings and the project's resource share.
 *
 * @param maxRunning           tasks that may compute at once (0 holds all)
 * @param hold                 null when computing is allowed; otherwise why not, shown to people
 *                             ("you used the computer 12 s ago")
 * @param pauseAfterCheckpoint when held: let each running task reach its next checkpoint before stopping it,
 *                             so no computed work is lost
 * @param noNewTasks           ask for no work (reports still go)
 * @param minBuffer            least estimated work to keep on hand
 * @param extraTasks           tasks kept queued beyond one per running slot
 * @param projects             project ids to take work from; empty: any
 * @param memoryLimitBytes     most memory the running tasks together may use (resident set of their workers,
 *                             the memory bound for tasks not started yet); tasks beyond it wait, their workers
 *                             stopped so the memory is freed (0: no limit)
 * @param checkpointInterval   least time between two checkpoints of a task, handed to workers as they start or
 *                             resume (zero: after every input file)
 */
public record EngineSettings(int maxRunning, String hold, boolean pauseAfterCheckpoint, boolean noNewTasks,
                             Duration minBuffer, int extraTasks, List<Long> projects, long memoryLimitBytes,
                             Duration checkpointInterval) {
    public EngineSettings {
        Objects.requireNonNull(minBuffer, "minBuffer");
        projects = projects == null ? List.of() : List.copyOf(projects);
        checkpointInterval = checkpointInterval == null ? Duration.ZERO : checkpointInterval;
        if (maxRunning < 0) {
            throw new IllegalArgumentException("maxRunning " + maxRunning + " is below 0");
        }
        if (memoryLimitBytes < 0) {
            throw new IllegalArgumentException("memoryLimitBytes " + memoryLimitBytes + " is below 0");
        }
    }

    /** Settings without a memory limit, checkpointing after every input file. */
    public EngineSettings(int maxRunning, String hold, boolean pauseAfterCheckpoint, boolean noNewTasks,
                          Duration minBuffer, int extraTasks, List<Long> projects) {
        this(maxRunning, hold, pauseAfterCheckpoint, noNewTasks, minBuffer, extraTasks, projects, 0, Duration.ZERO);
    }

    /** Computing on every slot, as the command line configured it. */
    public static EngineSettings unrestricted(int cores, Duration minBuffer, int extraTasks) {
        return new EngineSettings(cores, null, false, false, minBuffer, extraTasks, List.of());
    }

    public boolean computingAllowed() {
        return hold == null && maxRunning > 0;
    }
}

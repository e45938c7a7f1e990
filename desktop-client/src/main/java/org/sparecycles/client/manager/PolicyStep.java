package org.sparecycles.client.manager;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparecycles.client.engine.ClientEngine;
import org.sparecycles.client.engine.EngineSettings;
import org.sparecycles.client.policy.ComputeDecision;
import org.sparecycles.client.policy.ComputePolicy;
import org.sparecycles.client.policy.DutyCycle;
import org.sparecycles.client.prefs.Preferences;

/**
 * One step of the policy loop: with the machine's {@link PolicyReadings} (taken before, without the monitor),
 * decides with the volunteer's {@link Activity} whether and how much to compute, tells each engine what it may do,
 * polls credit when due and builds the status. Guarded by the manager's monitor (the manager's step holds it).
 */
final class PolicyStep {
    private final ManagerOptions options;
    private final String idleName;
    private final Instant origin;
    private final Attachments attachments;
    private final CoreAllocator cores;
    private final CreditPoller credit;
    private Instant lastTick;

    /**
     * @param idleName the input-idle signal's name, for the status
     * @param origin   when the manager started, the phase of the CPU time limit's duty cycle
     */
    PolicyStep(ManagerOptions options, String idleName, Instant origin, Attachments attachments, CoreAllocator cores,
               CreditPoller credit) {
        this.options = options;
        this.idleName = idleName;
        this.origin = origin;
        this.attachments = attachments;
        this.cores = cores;
        this.credit = credit;
    }

    ManagerStatus step(Activity a, PolicyReadings.Taken r) {
        Instant now = r.now();
        double dt = lastTick == null ? 0 : Duration.between(lastTick, now).toMillis() / 1000.0;
        lastTick = now;
        Preferences prefs = a.prefs();
        ComputeDecision d = ComputePolicy.decide(prefs, a.mode(), a.snoozeUntil(), r.machine());
        String hold = !d.allowed() ? d.reason()
                : !DutyCycle.running(d.limits().cpuTimePercent(), Duration.between(origin, now))
                ? "CPU time limit (" + d.limits().cpuTimePercent() + "% of the time)" : null;
        int cores = ComputePolicy.cores(d.limits(), options.logicalCores());
        Map<String, Integer> allocation = this.cores.allocate(now, dt, cores);
        long bufferSeconds = Math.round((prefs.minBufferDays() + prefs.extraBufferDays()) * 86_400);
        // -1 (not read) when the limit was set while the readings were taken: the next step reads the disk
        boolean diskFull = prefs.diskMaxGb() > 0 && r.diskBytes() > prefs.diskMaxGb() * 1e9;
        for (ProjectSettings p : attachments.projects()) {
            ClientEngine e = attachments.engine(p.id());
            if (e == null) {
                continue;
            }
            String projectHold = p.suspended() ? "project suspended by you" : hold;
            int engineCores = Math.min(cores, allocation.getOrDefault(p.id(), 0));
            e.apply(new EngineSettings(engineCores, projectHold, a.pauseAfterCheckpoint(),
                    p.noNewTasks() || diskFull, Duration.ofSeconds(bufferSeconds), 1, p.projectIds(),
                    memoryLimit(d.limits().memoryPercent(), engineCores, cores),
                    Duration.ofSeconds(prefs.checkpointSeconds())));
        }
        credit.pollIfDue(now);
        return status(a, d, hold, r.machine().inputIdle());
    }

    /**
     * The memory preference (share of physical memory) split among attachments like the cores: an attachment
     * computing on k of the n allowed cores may use k/n of it. 0 (no limit) when the machine's memory is unknown.
     */
    private long memoryLimit(int memoryPercent, int engineCores, int cores) {
        long total = options.memoryBytes();
        if (total <= 0 || cores <= 0) {
            return 0;
        }
        return Math.max(1, (long) (total * (memoryPercent / 100.0) * engineCores / cores));
    }

    /** The status with this decision; all null before the first step. */
    ManagerStatus status(Activity a, ComputeDecision d, String hold, Duration inputIdle) {
        List<ManagerStatus.Project> list = new ArrayList<>();
        for (ProjectSettings p : attachments.projects()) {
            ClientEngine e = attachments.engine(p.id());
            list.add(new ManagerStatus.Project(p, e == null ? null : e.snapshot(), credit.latest(p.id()),
                    attachments.loginNeeded(p.id())));
        }
        return new ManagerStatus(a.mode(), a.snoozeUntil(), a.pauseAfterCheckpoint(), d, hold, inputIdle,
                idleName, list);
    }
}

package org.sparecycles.client.manager;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sparecycles.client.engine.ClientEngine;
import org.sparecycles.client.engine.EngineSnapshot;
import org.sparecycles.client.policy.CpuShares;

/**
 * How many of the allowed cores each attachment may compute on: the CPU time each had (the round-robin's memory)
 * and the {@link CpuShares} allocation, made again every round or when the runnable tasks change. Guarded by the
 * manager's monitor (the policy step and {@link ClientManager#update} hold it).
 */
final class CoreAllocator {
    private static final double USAGE_HALF_LIFE_SECONDS = 3600;

    private final Attachments attachments;
    private final Map<String, Double> usedCoreSeconds = new HashMap<>();
    private Map<String, Integer> allocation = Map.of();
    private Instant allocatedAt = Instant.EPOCH;
    private Map<String, Integer> lastRunnable = Map.of();

    CoreAllocator(Attachments attachments) {
        this.attachments = attachments;
    }

    /**
     * Counts the CPU time of the last {@code dt} seconds and returns the cores of each attachment (by id; none
     * when missing), allocated again when a round is over or the runnable tasks changed.
     */
    Map<String, Integer> allocate(Instant now, double dt, int cores) {
        account(dt);
        if (Duration.between(allocatedAt, now).toSeconds() >= CpuShares.ROUND_SECONDS || runnableChanged()) {
            allocation = CpuShares.allocate(cores, claims(now));
            allocatedAt = now;
        }
        return allocation;
    }

    /** Allocates again at the next step (an attachment's share or switches changed). */
    void reallocate() {
        allocatedAt = Instant.EPOCH;
    }

    private boolean runnableChanged() {
        Map<String, Integer> now = new HashMap<>();
        attachments.engines().forEach((id, e) -> now.put(id, runnable(e.snapshot())));
        boolean changed = !now.equals(lastRunnable);
        lastRunnable = now;
        return changed;
    }

    private List<CpuShares.Claim> claims(Instant now) {
        List<CpuShares.Claim> out = new ArrayList<>();
        for (ProjectSettings p : attachments.projects()) {
            ClientEngine e = attachments.engine(p.id());
            if (e == null || p.suspended()) {
                continue;
            }
            EngineSnapshot s = e.snapshot();
            int atRisk = (int) s.tasks().stream().filter(t -> t.state().equals("READY") || t.state().equals("RUNNING"))
                    .filter(t -> t.deadline() != null && now.plusSeconds((long) (t.remainingSeconds() * 1.5))
                            .isAfter(t.deadline())).count();
            out.add(new CpuShares.Claim(p.id(), runnable(s), p.share(), usedCoreSeconds.getOrDefault(p.id(), 0.0),
                    atRisk));
        }
        return out;
    }

    private static int runnable(EngineSnapshot s) {
        return (int) s.tasks().stream().filter(t -> (t.state().equals("READY") || t.state().equals("RUNNING"))
                && !"suspended by you".equals(t.holdReason())).count();
    }

    /** CPU time each attachment had, decayed with a half-life of an hour (the round-robin's memory). */
    private void account(double dt) {
        double decay = Math.pow(0.5, dt / USAGE_HALF_LIFE_SECONDS);
        attachments.engines().forEach((id, e) -> {
            long computing = e.snapshot().tasks().stream()
                    .filter(t -> t.state().equals("RUNNING") && t.holdReason() == null).count();
            usedCoreSeconds.put(id, usedCoreSeconds.getOrDefault(id, 0.0) * decay + computing * dt);
        });
    }
}

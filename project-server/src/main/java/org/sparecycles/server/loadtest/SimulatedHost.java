package org.sparecycles.server.loadtest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.ResultReport;

/**
 * One simulated volunteer host: what it holds, what it will report next, and how it misbehaves. Used by one
 * load-generator thread at a time.
 */
final class SimulatedHost {
    /** How a host answers one result. */
    enum Answer { CORRECT, WRONG, ERROR, LATE }

    /** A result held back to be reported after its deadline. */
    private record Held(ResultReport report, long dueNanos) {
    }

    final long hostId;
    final String authenticator;
    /** The node this host talks to. */
    final LoadClient client;
    private final List<ResultReport> toReport = new ArrayList<>();
    private final List<Held> late = new ArrayList<>();
    private final SplittableRandom random;

    SimulatedHost(long hostId, String authenticator, LoadClient client, long seed) {
        this.hostId = hostId;
        this.authenticator = authenticator;
        this.client = client;
        this.random = new SplittableRandom(seed);
    }

    /** Draws how to answer the next result from the configured shares. */
    Answer draw(LoadShares shares) {
        double x = random.nextDouble();
        if (x < shares.wrong()) {
            return Answer.WRONG;
        }
        if (x < shares.wrong() + shares.error()) {
            return Answer.ERROR;
        }
        if (x < shares.wrong() + shares.error() + shares.late()) {
            return Answer.LATE;
        }
        return Answer.CORRECT;
    }

    void report(ResultReport report) {
        toReport.add(report);
    }

    void reportLate(ResultReport report, long dueNanos) {
        late.add(new Held(report, dueNanos));
    }

    /** The reports for the next request: everything finished, and the late ones whose time has come. */
    List<ResultReport> takeReports(long nowNanos) {
        List<ResultReport> out = new ArrayList<>(toReport);
        toReport.clear();
        for (Iterator<Held> it = late.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (nowNanos - h.dueNanos() >= 0) {
                out.add(h.report());
                it.remove();
            }
        }
        return out;
    }

    /** Results still held back (reported late), so the server does not take them for lost. */
    List<Long> inProgress() {
        return late.stream().map(h -> h.report().resultId()).toList();
    }

    /** The output an honest host computes for an assignment: small, and the same on every host. */
    static byte[] output(Assignment a, boolean wrong) {
        StringBuilder s = new StringBuilder("{\"files\":[");
        for (int i = 0; i < a.inputs().size(); i++) {
            long count = Math.floorMod(a.inputs().get(i).sha256().hashCode() * 31L + a.workUnitId(), 1000)
                    + (wrong ? 1 : 0);
            s.append(i == 0 ? "" : ",").append("{\"count\":").append(count).append(",\"file\":\"")
                    .append(a.inputs().get(i).name()).append("\"}");
        }
        return s.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}

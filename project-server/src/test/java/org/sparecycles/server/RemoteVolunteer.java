package org.sparecycles.server;

import java.net.URI;
import java.util.List;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.protocol.AccountSession;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.CreateAccountRequest;
import org.sparecycles.workunits.protocol.HostRegistered;
import org.sparecycles.workunits.protocol.HostRegistration;
import org.sparecycles.workunits.protocol.ResultReport;
import org.sparecycles.workunits.protocol.SchedulerReply;
import org.sparecycles.workunits.protocol.SchedulerRequest;

/** A volunteer with one host on a server process, over HTTP, computing with the real app. */
record RemoteVolunteer(Api api, long host) {
    static RemoteVolunteer join(URI server, String email) {
        AccountSession session = new Api(server, null).post("/api/v1/accounts",
                new CreateAccountRequest(email, "volunteer-password", null)).expect(201, AccountSession.class);
        Api api = new Api(server, session.authenticator());
        long host = api.post("/api/v1/hosts", new HostRegistration("pc-" + email, "Linux", "6.1", "test cpu", 2,
                4L << 30, 4.0, "test")).expect(201, HostRegistered.class).hostId();
        return new RemoteVolunteer(api, host);
    }

    List<Assignment> fetch(double workSeconds) {
        return api.post("/api/v1/scheduler", new SchedulerRequest(host, List.of(), workSeconds, List.of()))
                .expect(200, SchedulerReply.class).assignments();
    }

    void complete(Assignment assignment) throws Exception {
        byte[] output = MergedResultsTest.compute(api, assignment);
        api.put(assignment.uploadUrl(), output, Sha256.hex(output));
        ResultReport report = TestServer.success(assignment.resultId(), output, 5);
        api.post("/api/v1/scheduler", new SchedulerRequest(host, List.of(report), 0, List.of()))
                .expect(200, SchedulerReply.class);
    }
}

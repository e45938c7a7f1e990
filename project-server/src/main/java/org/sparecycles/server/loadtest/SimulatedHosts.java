package org.sparecycles.server.loadtest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.sparecycles.server.ProjectServer;

/** Sets up the load test's simulated hosts. */
final class SimulatedHosts {
    private SimulatedHosts() {
    }

    /**
     * Volunteer accounts for the hosts, written straight into the database (the password hash is copied from the
     * researcher's account: hashing 600,000 PBKDF2 rounds per account would make setup take minutes and is not
     * what is measured), then each host registered over HTTP, the hosts spread over the nodes.
     */
    static List<SimulatedHost> register(List<ProjectServer> servers, int count, int threads) throws Exception {
        ProjectServer server = servers.get(0);
        DataSource db = server.dataSource();
        List<Long> accountIds = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            String hash;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT password_hash FROM accounts WHERE email = 'researcher@loadtest.local'")) {
                rs.next();
                hash = rs.getString(1);
            }
            try (PreparedStatement account = c.prepareStatement("INSERT INTO accounts (email, name, password_hash,"
                    + " created_at) VALUES (?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS);
                 PreparedStatement role = c.prepareStatement("INSERT INTO account_roles (account_id, role) VALUES (?, ?)")) {
                for (int i = 0; i < count; i++) {
                    account.setString(1, "host" + i + "@loadtest.local");
                    account.setString(2, "Load host " + i);
                    account.setString(3, hash);
                    account.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
                    account.executeUpdate();
                    try (ResultSet keys = account.getGeneratedKeys()) {
                        keys.next();
                        accountIds.add(keys.getLong(1));
                    }
                    role.setLong(1, accountIds.get(i));
                    role.setString(2, "VOLUNTEER");
                    role.executeUpdate();
                }
            }
            c.commit();
        }
        List<LoadClient> clients = servers.stream().map(s -> new LoadClient(s.baseUri())).toList();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, threads)));
        try {
            List<Future<SimulatedHost>> registered = new ArrayList<>();
            for (int i = 0; i < accountIds.size(); i++) {
                long accountId = accountIds.get(i);
                long seed = i;
                LoadClient client = clients.get(i % clients.size()); // hosts spread over the nodes
                registered.add(pool.submit(() -> {
                    String authenticator = server.accounts().issueAuthenticator(accountId);
                    return new SimulatedHost(client.register(authenticator, "load-host-" + seed), authenticator,
                            client, seed * 0x9E3779B97F4A7C15L);
                }));
            }
            List<SimulatedHost> hosts = new ArrayList<>();
            for (Future<SimulatedHost> f : registered) {
                hosts.add(f.get());
            }
            return hosts;
        } finally {
            pool.shutdown();
        }
    }
}

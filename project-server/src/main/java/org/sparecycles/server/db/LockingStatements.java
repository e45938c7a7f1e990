package org.sparecycles.server.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prepared statements that lock rows ({@code SELECT ... FOR UPDATE}), kept open per physical connection and used
 * again. H2 keeps no parsed copy of a FOR UPDATE query in its query cache, so preparing one parsed it anew every
 * time: 5% of the server's CPU in the load test, where every claim, report and validation locks a row this way
 * (docs/benchmarks.md). The other statements are prepared each time as before (H2 and PostgreSQL's driver cache
 * them). A connection's statements are dropped once the pool has closed it. Thread-safe; a connection is used by
 * one thread at a time, as the pool hands it out.
 */
final class LockingStatements {
    private static final Map<Connection, Map<String, PreparedStatement>> BY_CONNECTION = new HashMap<>();

    private LockingStatements() {
    }

    /** Whether the statement is one kept here. */
    static boolean applies(String sql) {
        return sql.endsWith(" FOR UPDATE");
    }

    /** The statement prepared on the connection behind {@code c} (a pool's proxy or the connection itself). */
    static PreparedStatement prepared(Connection c, String sql) throws SQLException {
        Connection physical = c.unwrap(Connection.class);
        Map<String, PreparedStatement> statements = statementsOf(physical);
        PreparedStatement ps = statements.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = physical.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    private static Map<String, PreparedStatement> statementsOf(Connection physical) throws SQLException {
        synchronized (BY_CONNECTION) {
            Map<String, PreparedStatement> statements = BY_CONNECTION.get(physical);
            if (statements == null) {
                // a new connection: the pool may have closed others meanwhile (it renews them every half hour)
                for (Iterator<Connection> it = BY_CONNECTION.keySet().iterator(); it.hasNext(); ) {
                    if (it.next().isClosed()) {
                        it.remove();
                    }
                }
                statements = new ConcurrentHashMap<>();
                BY_CONNECTION.put(physical, statements);
            }
            return statements;
        }
    }

    /** Whether statements are kept for this connection (for tests). */
    static boolean keepsFor(Connection physical) {
        synchronized (BY_CONNECTION) {
            return BY_CONNECTION.containsKey(physical);
        }
    }
}

package org.sparecycles.server.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Migration 45, on H2 only: drops every foreign key whose columns begin another index of its table, and the index
 * it had. H2 gives a foreign key an index on exactly its columns and takes no wider one for it, and it changes every
 * index of a table on every UPDATE of a row, whether the index's columns changed or not. So {@code results
 * (host_id)} and {@code results (account_id)}, beside {@code (host_id, sent_at)} and {@code (account_id,
 * work_unit_id)}, were changed on each of a result's three updates for nothing any query needs, and so were
 * {@code credit_grants (account_id)} on every grant and {@code host_app_trust (host_id)} on every verdict.
 *
 * <p>The references these keys checked are kept by the code: hosts, accounts and batches are never deleted, and every
 * row that names one is written from a row just read. PostgreSQL makes no index for a foreign key, so there the keys
 * cost no index and stay.
 */
final class ShadowedForeignKeys extends H2Migration {
    /** Each index of the schema: its table and its columns in order. */
    private static final String INDEXES = "SELECT i.table_name, i.index_name,"
            + " LISTAGG(c.column_name, ',') WITHIN GROUP (ORDER BY c.ordinal_position)"
            + " FROM information_schema.indexes i JOIN information_schema.index_columns c"
            + " ON c.index_schema = i.index_schema AND c.index_name = i.index_name"
            + " WHERE i.table_schema = SCHEMA() GROUP BY i.table_name, i.index_name";
    private static final String FOREIGN_KEYS = "SELECT t.table_name, t.constraint_name, t.index_name"
            + " FROM information_schema.table_constraints t WHERE t.table_schema = SCHEMA()"
            + " AND t.constraint_type = 'FOREIGN KEY' ORDER BY t.table_name, t.constraint_name";

    ShadowedForeignKeys() {
        super("45", "drop foreign keys whose index another index begins, on H2");
    }

    @Override
    void migrateH2(Connection c) throws SQLException {
        Map<String, String> columnsOfIndex = new TreeMap<>();
        Map<String, String> tableOfIndex = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(INDEXES)) {
            while (rs.next()) {
                tableOfIndex.put(rs.getString(2), rs.getString(1));
                columnsOfIndex.put(rs.getString(2), rs.getString(3));
            }
        }
        List<String[]> shadowed = new ArrayList<>(); // table, constraint, index
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(FOREIGN_KEYS)) {
            while (rs.next()) {
                String index = rs.getString(3);
                if (shadowed(index, tableOfIndex, columnsOfIndex)) {
                    shadowed.add(new String[] {rs.getString(1), rs.getString(2), index});
                }
            }
        }
        for (String[] key : shadowed) {
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE " + quoted(key[0]) + " DROP CONSTRAINT " + quoted(key[1]));
                // an index the key owned went with it; one it only used (made by the schema) is dropped here
                if (!usedByAConstraint(c, key[2])) {
                    s.execute("DROP INDEX IF EXISTS " + quoted(key[2]));
                }
            }
        }
    }

    /** True when another index of the same table begins with all the columns of this one, in order. */
    private static boolean shadowed(String index, Map<String, String> tableOfIndex, Map<String, String> columnsOfIndex) {
        String columns = columnsOfIndex.get(index);
        if (columns == null) {
            return false;
        }
        for (Map.Entry<String, String> other : columnsOfIndex.entrySet()) {
            if (!other.getKey().equals(index) && tableOfIndex.get(other.getKey()).equals(tableOfIndex.get(index))
                    && other.getValue().startsWith(columns + ",")) {
                return true;
            }
        }
        return false;
    }

    private static boolean usedByAConstraint(Connection c, String index) throws SQLException {
        try (var s = c.prepareStatement("SELECT COUNT(*) FROM information_schema.table_constraints"
                + " WHERE table_schema = SCHEMA() AND index_name = ?")) {
            s.setString(1, index);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    private static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}

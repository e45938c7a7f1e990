package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparecycles.server.db.Database;

/** The indexes the migrations leave, on a real H2 file database and a real PostgreSQL one. */
class DatabaseIndexesTest {
    @TempDir
    Path dir;

    @Test
    void h2KeepsNoIndexTwiceAndEveryForeignKeyKeepsItsIndex() throws SQLException {
        try (Database db = Database.open(dir); Connection c = db.dataSource().getConnection()) {
            Map<String, List<String>> byColumns = new TreeMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT i.table_name, i.index_name,"
                    + " LISTAGG(c.column_name, ',') WITHIN GROUP (ORDER BY c.ordinal_position)"
                    + " FROM information_schema.indexes i JOIN information_schema.index_columns c"
                    + " ON c.index_schema = i.index_schema AND c.index_name = i.index_name"
                    + " WHERE i.table_schema = SCHEMA() GROUP BY i.table_name, i.index_name")) {
                while (rs.next()) {
                    byColumns.computeIfAbsent(rs.getString(1) + " (" + rs.getString(3) + ")", k -> new ArrayList<>())
                            .add(rs.getString(2));
                }
            }
            byColumns.forEach((columns, indexes) -> assertEquals(1, indexes.size(),
                    "every change of a row of " + columns + " changes each of " + indexes));
            // nor one whose columns begin another index of its table (migration 45: the foreign keys that had them)
            for (String a : byColumns.keySet()) {
                for (String b : byColumns.keySet()) {
                    assertFalse(b.startsWith(a.substring(0, a.length() - 1) + ","), a + " is shadowed by " + b);
                }
            }
            assertTrue(byColumns.containsKey("RESULTS (HOST_ID,SENT_AT)"), byColumns.keySet()::toString);
            assertTrue(byColumns.containsKey("RESULTS (ACCOUNT_ID,WORK_UNIT_ID)"), byColumns.keySet()::toString);
            assertEquals(List.of("WORK_UNIT_ID"), foreignKeyColumns(c, "RESULTS"), "results keeps its work unit's key");
            assertTrue(byColumns.containsKey("WORK_UNITS (BATCH_ID)"), byColumns.keySet()::toString);
            assertTrue(byColumns.containsKey("BATCH_FILES (WORK_UNIT_ID)"), byColumns.keySet()::toString);

            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM"
                    + " information_schema.table_constraints t WHERE t.table_schema = SCHEMA()"
                    + " AND t.constraint_type = 'FOREIGN KEY' AND NOT EXISTS (SELECT 1 FROM information_schema.indexes i"
                    + " WHERE i.index_schema = t.index_schema AND i.index_name = t.index_name)")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "foreign keys without their index");
            }
        }
    }

    /** The first column of each foreign key of the table, in order. */
    private static List<String> foreignKeyColumns(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (var s = c.prepareStatement("SELECT k.column_name FROM information_schema.table_constraints t"
                + " JOIN information_schema.key_column_usage k ON k.constraint_schema = t.constraint_schema"
                + " AND k.constraint_name = t.constraint_name WHERE t.table_schema = CURRENT_SCHEMA"
                + " AND UPPER(t.table_name) = ? AND t.constraint_type = 'FOREIGN KEY' AND k.ordinal_position = 1"
                + " ORDER BY 1")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1).toUpperCase(java.util.Locale.ROOT));
                }
            }
        }
        return out;
    }

    @Test
    void postgresqlKeepsTheSchemasIndexesOnForeignKeyColumns() throws SQLException {
        Path data = dir.resolve("pg");
        try (Database db = Database.open(data, PostgresCluster.shared().databaseFor(data), null, null);
             Connection c = db.dataSource().getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")) {
            Set<String> names = new TreeSet<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            // PostgreSQL makes no index for a foreign key: these are the only ones on their columns there
            assertTrue(names.containsAll(Set.of("ix_work_units_batch", "ix_batch_files_work_unit", "ix_batches_owner",
                    "ix_web_sessions_account")), names::toString);
            // and its foreign keys cost no index, so all of them stay (migration 45 is H2's only)
            assertEquals(List.of("ACCOUNT_ID", "HOST_ID", "WORK_UNIT_ID"), foreignKeyColumns(c, "RESULTS"));
        }
    }
}

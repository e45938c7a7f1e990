package org.sparecycles.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        }
    }
}

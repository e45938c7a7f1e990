package org.sparecycles.server.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Migration 43, on H2 only: drops every index that another index of its table repeats column for column, keeping
 * the one a constraint uses. H2 gives a foreign key an index of its own unless one on just its columns exists when
 * the key is made, and the schema created some of those indexes after their tables: {@code work_units (batch_id)},
 * {@code batch_files (work_unit_id)}, {@code batches (owner_id)} and {@code web_sessions (account_id)} each had a
 * twin, and H2 changes every index of a table on every UPDATE of a row, so each of the dozen or so writes of a work
 * unit's row in its life changed both. PostgreSQL makes no index for a foreign key, so there the schema's indexes
 * are the only ones and nothing is dropped.
 */
final class DuplicateIndexes extends H2Migration {
    /** Each index of the schema: its table, its columns in order with their orderings, whether a constraint uses it. */
    private static final String INDEXES = "SELECT i.table_name, i.index_name,"
            + " LISTAGG(c.column_name || ' ' || c.ordering_specification || ' ' || COALESCE(c.null_ordering, ''), ',')"
            + " WITHIN GROUP (ORDER BY c.ordinal_position),"
            + " EXISTS (SELECT 1 FROM information_schema.table_constraints t WHERE t.index_schema = i.index_schema"
            + " AND t.index_name = i.index_name)"
            + " FROM information_schema.indexes i JOIN information_schema.index_columns c"
            + " ON c.index_schema = i.index_schema AND c.index_name = i.index_name"
            + " WHERE i.table_schema = SCHEMA()"
            + " GROUP BY i.index_schema, i.table_name, i.index_name ORDER BY i.table_name, i.index_name";

    DuplicateIndexes() {
        super("43", "drop duplicate indexes on H2");
    }

    @Override
    void migrateH2(Connection c) throws SQLException {
        for (String index : redundant(c)) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP INDEX \"" + index.replace("\"", "\"\"") + "\"");
            }
        }
    }

    /** Names of the indexes another index of the same table and columns makes redundant. */
    private static List<String> redundant(Connection c) throws SQLException {
        Map<String, List<Index>> byColumns = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(INDEXES)) {
            while (rs.next()) {
                byColumns.computeIfAbsent(rs.getString(1) + " (" + rs.getString(3) + ")", k -> new ArrayList<>())
                        .add(new Index(rs.getString(2), rs.getBoolean(4)));
            }
        }
        List<String> out = new ArrayList<>();
        for (List<Index> twins : byColumns.values()) {
            // the first one a constraint uses stays (or the first one, if none is used); a used one is never dropped
            Index kept = twins.stream().filter(Index::usedByConstraint).findFirst().orElse(twins.get(0));
            for (Index i : twins) {
                if (i != kept && !i.usedByConstraint()) {
                    out.add(i.name());
                }
            }
        }
        return out;
    }

    private record Index(String name, boolean usedByConstraint) {
    }
}

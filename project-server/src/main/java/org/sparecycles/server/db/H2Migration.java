package org.sparecycles.server.db;

import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * A Java migration that changes the schema on H2 only and does nothing on PostgreSQL: what it undoes is a cost of
 * how H2 keeps indexes. Runs in Flyway's transaction; its code is not checked again once applied, as for any Java
 * migration.
 */
abstract class H2Migration implements JavaMigration {
    private final MigrationVersion version;
    private final String description;

    H2Migration(String version, String description) {
        this.version = MigrationVersion.fromVersion(version);
        this.description = description;
    }

    /** Changes the schema of the H2 database on this connection. */
    abstract void migrateH2(Connection c) throws SQLException;

    @Override
    public final MigrationVersion getVersion() {
        return version;
    }

    @Override
    public final String getDescription() {
        return description;
    }

    @Override
    public final Integer getChecksum() {
        return null;
    }

    @Override
    public final boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public final void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        if ("H2".equals(c.getMetaData().getDatabaseProductName())) {
            migrateH2(c);
        }
    }
}

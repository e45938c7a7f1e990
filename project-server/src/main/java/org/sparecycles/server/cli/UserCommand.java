package org.sparecycles.server.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import org.sparecycles.server.accounts.Accounts;
import org.sparecycles.server.accounts.Role;
import org.sparecycles.server.db.Database;
import org.sparecycles.server.error.ServerException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code user add}: creates an account in a data dir's database. The server must be stopped (the file is locked). */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage accounts (with the server stopped).",
        subcommands = UserCommand.Add.class)
final class UserCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Create an account. Needs the server stopped: its database file is locked while it runs.")
    static final class Add implements Callable<Integer> {
        @Option(names = "--email", required = true)
        String email;

        @Option(names = "--password", required = true, description = "at least 8 characters")
        String password;

        @Option(names = "--name", description = "display name (default: the e-mail's local part)")
        String name;

        @ArgGroup(exclusive = true)
        RoleOption role;

        @Option(names = "--data-dir", description = "the server's data dir (default ./sparecycles-data)",
                defaultValue = "sparecycles-data")
        Path dataDir;

        @Option(names = "--db", paramLabel = "JDBC_URL",
                description = "the server's PostgreSQL database (when it runs with --db) instead of the data dir's H2")
        String db;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        static final class RoleOption {
            @Option(names = "--admin", description = "may do everything")
            boolean admin;

            @Option(names = "--researcher", description = "may create projects and submit batches")
            boolean researcher;
        }

        @Override
        public Integer call() {
            Set<Role> roles = EnumSet.noneOf(Role.class);
            if (role != null && role.admin) {
                roles.add(Role.ADMIN);
            }
            if (role != null && role.researcher) {
                roles.add(Role.RESEARCHER);
            }
            try (Database database = Database.open(dataDir.toAbsolutePath(), db, null, null)) {
                long id = new Accounts(database.jdbc(), Clock.systemUTC()).create(email, password, name, roles);
                spec.commandLine().getOut().println("account " + id + " created: " + email + " " + roles);
                return 0;
            } catch (ServerException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 2;
            } catch (Database.DatabaseInUseException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 1;
            }
        }
    }
}

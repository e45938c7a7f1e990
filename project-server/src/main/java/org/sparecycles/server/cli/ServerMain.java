package org.sparecycles.server.cli;

import org.sparecycles.server.demo.DemoCommand;
import org.sparecycles.server.efficiency.EfficiencyCommand;
import org.sparecycles.server.loadtest.LoadTestCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar project-server.jar <command>}: the server's command line. */
@Command(name = "project-server", mixinStandardHelpOptions = true, versionProvider = ServerMain.Version.class,
        description = "SpareCycles project server.",
        subcommands = {ServeCommand.class, UserCommand.class, AppCommand.class, DemoCommand.class, LoadTestCommand.class,
                EfficiencyCommand.class,
                CommandLine.HelpCommand.class})
public final class ServerMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for tests that run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ServerMain());
        cli.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("error: " + e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return 2;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ServerMain.class.getPackage().getImplementationVersion();
            return new String[] {"SpareCycles project server " + (v == null ? "dev" : v)};
        }
    }
}

package org.sparecycles.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparecycles.workunits.app.AppContext;
import org.sparecycles.workunits.app.AppException;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.AppRunner;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.InvalidParametersException;
import org.sparecycles.workunits.app.ParameterSpec;
import org.sparecycles.workunits.app.ScienceApp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code app run} and {@code app list}: the built-in apps, locally, byte-identical to what volunteers compute. */
@Command(name = "app", mixinStandardHelpOptions = true, description = "Run or list the built-in science apps locally.",
        subcommands = {AppCommand.Run.class, AppCommand.ListApps.class})
final class AppCommand implements Runnable {
    static final int USAGE_ERROR = 2;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Print the app's canonical JSON output for local files.")
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", description = "app id, e.g. particle-count")
        String appId;

        @Parameters(index = "1..*", arity = "1..*", description = "input files")
        List<Path> files;

        @Option(names = "--param", description = "parameter as name=value (repeatable)")
        Map<String, String> params = new LinkedHashMap<>();

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            AppRegistry registry = AppRegistry.builtIn();
            ScienceApp app = registry.find(appId).orElse(null);
            if (app == null) {
                err.println("error: unknown app '" + appId + "' (known: "
                        + registry.all().stream().map(ScienceApp::id).toList() + ")");
                return USAGE_ERROR;
            }
            org.sparecycles.workunits.app.Parameters parameters;
            try {
                parameters = app.parseParameters(params);
            } catch (InvalidParametersException e) {
                e.problems().forEach(p -> err.println("error: parameter " + p));
                return USAGE_ERROR;
            }
            List<InputFile> inputs = new ArrayList<>();
            for (Path file : files) {
                try {
                    inputs.add(new InputFile(file.getFileName().toString(), Files.readAllBytes(file)));
                } catch (NoSuchFileException e) {
                    err.println("error: " + file + ": no such file");
                    return USAGE_ERROR;
                } catch (IOException e) {
                    err.println("error: " + file + ": cannot read (" + e.getMessage() + ")");
                    return USAGE_ERROR;
                }
            }
            try {
                byte[] output = AppRunner.run(app, parameters, inputs.size(), inputs::get, progress(err, inputs));
                System.out.write(output);
                System.out.write('\n');
                System.out.flush();
                return 0;
            } catch (AppException e) {
                err.println("error: " + e.getMessage());
                return USAGE_ERROR;
            }
        }

        /** Prints a progress line to stderr when a run takes more than a second. */
        private static AppContext progress(PrintWriter err, List<InputFile> inputs) {
            long start = System.nanoTime();
            return new AppContext() {
                private long lastPrint = start;

                @Override
                public void progress(double fractionDone) {
                    long now = System.nanoTime();
                    if (now - lastPrint > 1_000_000_000L) {
                        lastPrint = now;
                        int done = (int) Math.round(fractionDone * inputs.size());
                        err.printf("app run: %d of %d files (%.0f%%)%n", done, inputs.size(), fractionDone * 100);
                        err.flush();
                    }
                }

                @Override
                public void checkpoint(List<byte[]> done) {
                }

                @Override
                public List<byte[]> resumeFrom() {
                    return List.of();
                }
            };
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the apps and their parameters.")
    static final class ListApps implements Runnable {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            for (ScienceApp app : AppRegistry.builtIn().all()) {
                out.println(app.id() + " " + app.version() + ": " + app.description());
                for (ParameterSpec p : app.parameters()) {
                    String range = p.type() == ParameterSpec.Type.CHOICE ? "one of " + p.choices()
                            : "[" + (p.minimum() == null ? "" : p.minimum().toPlainString()) + ", "
                            + (p.maximum() == null ? "" : p.maximum().toPlainString()) + "]";
                    out.println("  " + p.name() + " (" + p.type().name().toLowerCase(java.util.Locale.ROOT) + ", default "
                            + p.defaultValue() + ", " + range + "): " + p.description());
                }
            }
            out.flush();
        }
    }
}

package org.sparecycles.server.batches;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparecycles.workunits.app.AppException;
import org.sparecycles.workunits.app.AppRegistry;
import org.sparecycles.workunits.app.InvalidParametersException;
import org.sparecycles.workunits.app.Parameters;
import org.sparecycles.workunits.app.ScienceApp;
import org.sparecycles.workunits.protocol.RedundancyPolicy;

/**
 * Checks a whole batch before anything is stored, collecting every problem: app, parameters, redundancy policy,
 * files per work unit, and every file (name, duplicates, and the app's own {@code checkInput}). Files are read one at
 * a time.
 */
final class BatchIntake {
    static final int MAX_FILES_PER_WORK_UNIT = 1000;
    static final long MAX_DELAY_BOUND_SECONDS = 365L * 86_400;

    private final AppRegistry apps;

    BatchIntake(AppRegistry apps) {
        this.apps = apps;
    }

    /** A batch that passed every check. */
    record Checked(String name, ScienceApp app, Parameters parameters, RedundancyPolicy policy, int filesPerWorkUnit,
                   List<BatchInput> files) {
    }

    Checked check(String name, String appId, Map<String, String> rawParameters, RedundancyPolicy rawPolicy,
                  int rawFilesPerWorkUnit, List<BatchInput> files, List<String> problems) {
        String batchName = name == null || name.isBlank() ? "batch" : name.trim();
        if (batchName.length() > 200) {
            problems.add("name: must have at most 200 characters");
        }
        ScienceApp app = null;
        Parameters parameters = null;
        if (appId == null || appId.isBlank()) {
            problems.add("app: missing (known: " + known() + ")");
        } else {
            app = apps.find(appId).orElse(null);
            if (app == null) {
                problems.add("app: unknown app '" + appId + "' (known: " + known() + ")");
            }
        }
        if (app != null) {
            try {
                parameters = app.parseParameters(rawParameters);
            } catch (InvalidParametersException e) {
                e.problems().forEach(p -> problems.add("parameter " + p));
            }
        }
        RedundancyPolicy policy = checkPolicy(rawPolicy, problems);
        int filesPerWorkUnit = rawFilesPerWorkUnit == 0 ? 1 : rawFilesPerWorkUnit;
        if (filesPerWorkUnit < 1 || filesPerWorkUnit > MAX_FILES_PER_WORK_UNIT) {
            problems.add("filesPerWorkUnit: " + rawFilesPerWorkUnit + " is not between 1 and " + MAX_FILES_PER_WORK_UNIT);
        }
        if (files.isEmpty()) {
            problems.add("files: the batch has no files");
        }
        Set<String> seen = new HashSet<>();
        for (BatchInput file : files) {
            if (!seen.add(file.name())) {
                problems.add(file.name() + ": two files with this name");
                continue;
            }
            if (app != null) {
                try {
                    app.checkInput(file.read());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the uploaded " + file.name(), e);
                } catch (AppException e) {
                    String message = String.valueOf(e.getMessage());
                    problems.add(message.startsWith(file.name()) ? message : file.name() + ": " + message);
                }
            }
        }
        return new Checked(batchName, app, parameters, policy, filesPerWorkUnit, files);
    }

    private static RedundancyPolicy checkPolicy(RedundancyPolicy raw, List<String> problems) {
        RedundancyPolicy p = (raw == null ? RedundancyPolicy.DEFAULT : raw).withDefaults();
        if (p.minQuorum() < 1) {
            problems.add("policy.minQuorum: " + p.minQuorum() + " is below 1");
        }
        if (p.targetResults() < p.minQuorum()) {
            problems.add("policy.targetResults: " + p.targetResults() + " is below minQuorum " + p.minQuorum());
        }
        if (p.maxTotalResults() < p.targetResults()) {
            problems.add("policy.maxTotalResults: " + p.maxTotalResults() + " is below targetResults "
                    + p.targetResults());
        }
        if (p.maxErrorResults() < 0) {
            problems.add("policy.maxErrorResults: " + p.maxErrorResults() + " is negative");
        }
        if (p.delayBoundSeconds() < 1 || p.delayBoundSeconds() > MAX_DELAY_BOUND_SECONDS) {
            problems.add("policy.delayBoundSeconds: " + p.delayBoundSeconds() + " is not between 1 and "
                    + MAX_DELAY_BOUND_SECONDS);
        }
        return p;
    }

    private List<String> known() {
        return apps.all().stream().map(ScienceApp::id).toList();
    }
}

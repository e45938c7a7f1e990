package org.sparecycles.client.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.sparecycles.workunits.app.AppException;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.ParameterSpec;
import org.sparecycles.workunits.app.Parameters;
import org.sparecycles.workunits.app.ScienceApp;

/**
 * Test only ({@code --fault-injection=...}): an app whose per-file results are wrong, so the server must find
 * them INVALID. {@code wrong-results} and {@code colluding} add 1 to each file's {@code count} (identical wrong
 * answers on every host), {@code consistently-wrong} adds 7, {@code randomly-wrong} a random amount; a file
 * without a count is marked instead.
 */
final class FaultInjectingApp implements ScienceApp {
    private final ScienceApp delegate;
    private final String fault;

    FaultInjectingApp(ScienceApp delegate, String fault) {
        this.delegate = delegate;
        this.fault = fault;
    }

    static boolean isFault(String spelling) {
        return List.of("wrong-results", "colluding", "consistently-wrong", "randomly-wrong").contains(spelling);
    }

    private long offset() {
        return switch (fault) {
            case "consistently-wrong" -> 7;
            case "randomly-wrong" -> 1 + new java.security.SecureRandom().nextInt(1_000_000);
            default -> 1;
        };
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public String version() {
        return delegate.version();
    }

    @Override
    public String description() {
        return delegate.description();
    }

    @Override
    public List<ParameterSpec> parameters() {
        return delegate.parameters();
    }

    @Override
    public void checkInput(InputFile input) throws AppException {
        delegate.checkInput(input);
    }

    @Override
    public ObjectNode analyze(InputFile input, Parameters parameters) throws AppException {
        ObjectNode result = delegate.analyze(input, parameters);
        if (result.path("count").canConvertToLong()) {
            result.put("count", result.path("count").asLong() + offset());
        } else {
            result.put("fault_injected", offset());
        }
        return result;
    }
}

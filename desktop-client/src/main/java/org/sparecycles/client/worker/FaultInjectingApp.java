package org.sparecycles.client.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.sparecycles.workunits.app.AppException;
import org.sparecycles.workunits.app.InputFile;
import org.sparecycles.workunits.app.ParameterSpec;
import org.sparecycles.workunits.app.Parameters;
import org.sparecycles.workunits.app.ScienceApp;

/**
 * Test only ({@code --fault-injection=wrong-results}): an app whose per-file results are wrong, so the server
 * must find them INVALID. Adds 1 to each file's {@code count}, or marks the file when it has none.
 */
final class FaultInjectingApp implements ScienceApp {
    private final ScienceApp delegate;

    FaultInjectingApp(ScienceApp delegate) {
        this.delegate = delegate;
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
            result.put("count", result.path("count").asLong() + 1);
        } else {
            result.put("fault_injected", true);
        }
        return result;
    }
}

package org.sparecycles.workunits.protocol;

import java.util.List;
import org.sparecycles.workunits.app.ParameterSpec;

/** An app as listed to people: id, version, description and its parameter declarations. */
public record AppInfo(String id, String version, String description, List<ParameterSpec> parameters)
        implements ProtocolMessage {
    public AppInfo {
        parameters = parameters == null ? List.of() : List.copyOf(parameters);
    }
}

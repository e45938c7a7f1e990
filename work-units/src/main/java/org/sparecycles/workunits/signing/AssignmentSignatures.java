package org.sparecycles.workunits.signing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.InputRef;

/**
 * What exactly an assignment's signature covers, and signing and checking it. The signed bytes are the UTF-8 JSON
 * array {@code ["sparecycles-assignment-v1", resultId, resultName, workUnitId, app, appVersion, {parameters,
 * sorted by name}, [[name, url, size, sha256], ...], deadline (ISO-8601), maxOutputBytes, memoryBoundBytes,
 * uploadUrl]}, written without spaces. {@code estimatedSeconds} is left out: it only steers work fetch. Pure and
 * thread-safe.
 */
public final class AssignmentSignatures {
    /** First element of the signed array; a new layout gets a new tag. */
    public static final String TAG = "sparecycles-assignment-v1";

    private AssignmentSignatures() {
    }

    /** The bytes the signature covers. */
    public static byte[] payload(Assignment a) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode array = f.arrayNode();
        array.add(TAG).add(a.resultId()).add(a.resultName()).add(a.workUnitId()).add(a.app()).add(a.appVersion());
        ObjectNode parameters = array.addObject();
        for (Map.Entry<String, String> p : new TreeMap<>(a.parameters()).entrySet()) {
            parameters.put(p.getKey(), p.getValue());
        }
        ArrayNode inputs = array.addArray();
        for (InputRef in : a.inputs()) {
            inputs.addArray().add(in.name()).add(in.url()).add(in.size()).add(in.sha256());
        }
        array.add(a.deadline() == null ? null : a.deadline().toString());
        array.add(a.maxOutputBytes()).add(a.memoryBoundBytes()).add(a.uploadUrl());
        try {
            return Json.mapper().writeValueAsBytes(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the signed form of an assignment", e);
        }
    }

    /** The assignment with its signature set. */
    public static Assignment sign(ProjectSigner signer, Assignment a) {
        return a.withSignature(signer.sign(payload(a)));
    }

    /**
     * Checks the assignment's signature against the pinned key.
     *
     * @throws SignatureException saying why it is refused
     */
    public static void verify(ProjectKey key, Assignment a) throws SignatureException {
        key.verify(payload(a), a.signature());
    }
}

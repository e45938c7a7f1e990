package org.sparecycles.workunits.signing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.InputRef;

/**
 * What exactly an assignment's signature covers, and signing and checking it. The signed bytes are the UTF-8 JSON
 * array {@code ["sparecycles-assignment-v1", resultId, resultName, workUnitId, app, appVersion, {parameters,
 * sorted by name}, [[name, url, size, sha256], ...], deadline (ISO-8601), maxOutputBytes, memoryBoundBytes,
 * uploadUrl]}, written without spaces. {@code estimatedSeconds} is left out: it only steers work fetch. The
 * assignments of one scheduler reply may instead be signed together, with one signature ({@link #payload(List)}).
 * Pure and thread-safe.
 */
public final class AssignmentSignatures {
    /** First element of the signed array; a new layout gets a new tag. */
    public static final String TAG = "sparecycles-assignment-v1";
    /** First element of the array signed for several assignments together. */
    public static final String TAG_TOGETHER = "sparecycles-assignments-v1";

    private AssignmentSignatures() {
    }

    /** The bytes the signature covers. */
    public static byte[] payload(Assignment a) {
        return bytes(node(a));
    }

    /**
     * The bytes one signature over several assignments covers: the UTF-8 JSON array {@code [TAG_TOGETHER,
     * [signed array of the first], [of the second], ...]}, each assignment's array as {@link #payload} has it, in the
     * reply's order, written without spaces.
     */
    public static byte[] payload(List<Assignment> assignments) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode().add(TAG_TOGETHER);
        assignments.forEach(a -> array.add(node(a)));
        return bytes(array);
    }

    /** The signature of {@link #payload(List)}: one for all the assignments of a reply. */
    public static String signTogether(ProjectSigner signer, List<Assignment> assignments) {
        return signer.sign(payload(assignments));
    }

    /**
     * Checks one signature over all the assignments of a reply against the pinned key.
     *
     * @throws SignatureException saying why they are refused
     */
    public static void verifyTogether(ProjectKey key, List<Assignment> assignments, String signature)
            throws SignatureException {
        key.verify(payload(assignments), signature);
    }

    private static ArrayNode node(Assignment a) {
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
        return array;
    }

    private static byte[] bytes(ArrayNode array) {
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

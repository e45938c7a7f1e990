package org.sparecycles.workunits.signing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparecycles.workunits.json.Json;
import org.sparecycles.workunits.protocol.Assignment;
import org.sparecycles.workunits.protocol.InputRef;

class AssignmentSignaturesTest {
    private static final ProjectSigner SIGNER = ProjectSigner.generate();
    private static final InputRef INPUT = new InputRef("blobs.png", "/api/v1/files/" + "a".repeat(64), 17187,
            "a".repeat(64));
    private static final Assignment UNSIGNED = new Assignment(7, "wu_3_r7", 3, "particle-count", "1.0",
            Map.of("sigma", "1", "polarity", "dark"), List.of(INPUT), Instant.parse("2026-11-24T14:00:00Z"),
            4_194_304, 268_435_456, 12.5, "/api/v1/results/7/output");

    @Test
    void signedAssignmentVerifiesAfterTravellingAsJson() throws Exception {
        Assignment signed = AssignmentSignatures.sign(SIGNER, UNSIGNED);
        Assignment received = Json.mapper().readValue(Json.mapper().writeValueAsBytes(signed), Assignment.class);
        ProjectKey pinned = ProjectKey.parse(SIGNER.publicKey().encoded());
        assertDoesNotThrow(() -> AssignmentSignatures.verify(pinned, received));
    }

    static Stream<Arguments> tamperings() {
        InputRef otherInput = new InputRef("blobs.png", INPUT.url(), INPUT.size(), "b".repeat(64));
        return Stream.<Arguments>of(
                Arguments.of("parameter", (UnaryOperator<Assignment>) a -> copy(a, Map.of("sigma", "9",
                        "polarity", "dark"), a.inputs(), a.maxOutputBytes(), a.uploadUrl(), a.app())),
                Arguments.of("input hash", (UnaryOperator<Assignment>) a -> copy(a, a.parameters(),
                        List.of(otherInput), a.maxOutputBytes(), a.uploadUrl(), a.app())),
                Arguments.of("output limit", (UnaryOperator<Assignment>) a -> copy(a, a.parameters(), a.inputs(),
                        1L << 40, a.uploadUrl(), a.app())),
                Arguments.of("upload url", (UnaryOperator<Assignment>) a -> copy(a, a.parameters(), a.inputs(),
                        a.maxOutputBytes(), "https://elsewhere.example/steal", a.app())),
                Arguments.of("app", (UnaryOperator<Assignment>) a -> copy(a, a.parameters(), a.inputs(),
                        a.maxOutputBytes(), a.uploadUrl(), "evil-app")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperings")
    void tamperedAssignmentIsRefused(String what, UnaryOperator<Assignment> tamper) {
        Assignment tampered = tamper.apply(AssignmentSignatures.sign(SIGNER, UNSIGNED));
        SignatureException e = assertThrows(SignatureException.class,
                () -> AssignmentSignatures.verify(SIGNER.publicKey(), tampered));
        assertTrue(e.getMessage().contains("does not match the project key"), e.getMessage());
    }

    @Test
    void oneSignatureOverSeveralAssignmentsHoldsForExactlyThoseInThatOrder() throws Exception {
        Assignment other = copy(UNSIGNED, UNSIGNED.parameters(), UNSIGNED.inputs(), UNSIGNED.maxOutputBytes(),
                "/api/v1/results/8/output", UNSIGNED.app());
        String signature = AssignmentSignatures.signTogether(SIGNER, List.of(UNSIGNED, other));
        List<Assignment> received = List.of(Json.mapper().readValue(Json.mapper().writeValueAsBytes(
                new Assignment[] {UNSIGNED, other}), Assignment[].class));
        assertDoesNotThrow(() -> AssignmentSignatures.verifyTogether(SIGNER.publicKey(), received, signature));

        for (List<Assignment> changed : List.of(List.of(other, UNSIGNED), List.of(UNSIGNED),
                List.of(UNSIGNED, other, UNSIGNED), List.of(UNSIGNED, copy(other, Map.of("sigma", "9"),
                        other.inputs(), other.maxOutputBytes(), other.uploadUrl(), other.app())))) {
            SignatureException e = assertThrows(SignatureException.class,
                    () -> AssignmentSignatures.verifyTogether(SIGNER.publicKey(), changed, signature));
            assertTrue(e.getMessage().contains("does not match the project key"), e.getMessage());
        }
        // neither signature stands for the other: different tags
        assertThrows(SignatureException.class, () -> AssignmentSignatures.verify(SIGNER.publicKey(),
                UNSIGNED.withSignature(AssignmentSignatures.signTogether(SIGNER, List.of(UNSIGNED)))));
        assertThrows(SignatureException.class, () -> AssignmentSignatures.verifyTogether(SIGNER.publicKey(),
                List.of(UNSIGNED), AssignmentSignatures.sign(SIGNER, UNSIGNED).signature()));
    }

    @Test
    void unsignedAndForgedAssignmentsAreRefusedSayingWhy() {
        SignatureException unsigned = assertThrows(SignatureException.class,
                () -> AssignmentSignatures.verify(SIGNER.publicKey(), UNSIGNED));
        assertEquals("it is not signed", unsigned.getMessage());
        Assignment forged = AssignmentSignatures.sign(ProjectSigner.generate(), UNSIGNED);
        assertThrows(SignatureException.class, () -> AssignmentSignatures.verify(SIGNER.publicKey(), forged));
        SignatureException garbage = assertThrows(SignatureException.class,
                () -> AssignmentSignatures.verify(SIGNER.publicKey(), UNSIGNED.withSignature("%%%")));
        assertEquals("its signature is not base64", garbage.getMessage());
    }

    @Test
    void privateKeyTextRestoresTheSameKeyPair() throws Exception {
        ProjectSigner restored = ProjectSigner.parse(SIGNER.encodedPrivateKey());
        assertEquals(SIGNER.publicKey(), restored.publicKey());
        Assignment signed = AssignmentSignatures.sign(restored, UNSIGNED);
        assertDoesNotThrow(() -> AssignmentSignatures.verify(SIGNER.publicKey(), signed));
        assertThrows(SignatureException.class, () -> ProjectKey.parse("bm90IGEga2V5"));
        assertThrows(SignatureException.class, () -> ProjectSigner.parse("bm90IGEga2V5"));
    }

    private static Assignment copy(Assignment a, Map<String, String> parameters, List<InputRef> inputs,
                                   long maxOutput, String uploadUrl, String app) {
        return new Assignment(a.resultId(), a.resultName(), a.workUnitId(), app, a.appVersion(), parameters, inputs,
                a.deadline(), maxOutput, a.memoryBoundBytes(), a.estimatedSeconds(), uploadUrl, a.signature());
    }
}

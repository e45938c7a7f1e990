package org.sparecycles.workunits.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparecycles.workunits.app.ParameterSpec;
import org.sparecycles.workunits.json.Json;

class ProtocolMessagesTest {
    private static final ObjectMapper JSON = Json.mapper();
    private static final Instant T = Instant.parse("2026-11-24T14:00:00Z");

    static Stream<ProtocolMessage> everyMessage() {
        InputRef input = new InputRef("blobs.png", "/api/v1/files/" + "a".repeat(64), 17187, "a".repeat(64));
        Assignment assignment = new Assignment(7, "wu_3_r7", 3, "particle-count", "1.0",
                Map.of("sigma", "1", "polarity", "dark"), List.of(input), T, 4_194_304, 268_435_456, 12.5,
                "/api/v1/results/7/output").withSignature("c2lnbmF0dXJl");
        ResultReport report = new ResultReport(7, ResultReport.SUCCESS, "b".repeat(64), 2048, 1.25, 2.5, null);
        return Stream.of(
                new ApiError("invalid_batch", "2 problems", List.of("sigma: -1 is below the minimum 0", "x.png: not an image")),
                new CreateAccountRequest("ada@example.org", "secret", "Ada"),
                new LoginRequest("ada@example.org", "secret"),
                new AccountSession(1, "ada@example.org", "Ada", List.of("volunteer", "researcher"), "c".repeat(64)),
                new AppInfo("particle-count", "1.0", "counts particles",
                        List.of(ParameterSpec.number("sigma", "1", "0", "20", "blur"),
                                ParameterSpec.choice("polarity", "dark", List.of("bright", "dark"), "objects"),
                                ParameterSpec.integer("min_area", 10, 0L, null, "pixels"))),
                new ProjectInfo(2, "Cells", "Counting cells", List.of(), 256L << 20, 100L << 20, 1),
                new CreateProjectRequest("Cells", "Counting cells"),
                new BatchSubmission(2, "run 1", "particle-count", Map.of("sigma", "2"), RedundancyPolicy.DEFAULT, 3),
                RedundancyPolicy.DEFAULT,
                new BatchStatus(5, 2, "run 1", "particle-count", "1.0", Map.of("sigma", "2"), "IN_PROGRESS", 6, 2,
                        Map.of("DONE", 1, "IN_PROGRESS", 1), Map.of("OVER/SUCCESS", 3), 0.5, T, null),
                new HostRegistration("lab-pc", "Linux", "6.1", "Xeon", 8, 16L << 30, 3.2, "0.1.0"),
                new HostRegistered(11),
                new SchedulerRequest(11, List.of(report), 3600, List.of(8L, 9L)),
                new SchedulerRequest(11, List.of(), 600, List.of(), List.of(2L, 5L)),
                new SchedulerRequest(11, List.of(report), 600, List.of(), List.of(), true),
                new SchedulerRequest(11, List.of(), 600, List.of(4L), List.of(), true, true),
                report,
                new SchedulerReply(List.of(assignment), List.of(7L), List.of(9L), List.of("welcome"), 5),
                new SchedulerReply(List.of(), List.of(), List.of(), List.of(), 30, T),
                new SchedulerReply(List.of(assignment), List.of(), List.of(), List.of(), 30, T, "c2lnbmF0dXJl"),
                assignment,
                input,
                new UploadReceipt(7, "b".repeat(64), 2048),
                new HealthStatus("ok", "0.1.0", 42),
                new AccountCredit(1, "Ada", 512.5, 40.25,
                        List.of(new AccountCredit.HostCredit(11, "lab-pc", 312.5, 30.0))),
                new ProjectKeyInfo("Ed25519", "MCowBQYDK2VwAyEA" + "A".repeat(43) + "=", "d".repeat(64)));
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void everyMessageReadsBackEqualAfterWriting(ProtocolMessage message) throws Exception {
        byte[] written = JSON.writeValueAsBytes(message);
        ProtocolMessage read = JSON.readValue(written, message.getClass());
        assertEquals(message, read, () -> new String(written));
        assertArrayEquals(written, JSON.writeValueAsBytes(read));
    }

    @Test
    void everyPermittedMessageTypeIsCoveredByTheRoundTrip() {
        List<Class<?>> covered = everyMessage().<Class<?>>map(Object::getClass).distinct().toList();
        List<Class<?>> permitted = Arrays.asList(ProtocolMessage.class.getPermittedSubclasses());
        assertEquals(permitted.size(), covered.size());
        assertTrue(covered.containsAll(permitted));
    }

    @Test
    void olderClientReadsNewerServerMessageWithUnknownFields() throws Exception {
        ObjectNode tree = JSON.valueToTree(new HostRegistered(11));
        tree.put("someFieldFromTheFuture", "ignored");
        assertEquals(new HostRegistered(11), JSON.treeToValue(tree, HostRegistered.class));
    }

    @Test
    void missingListsReadAsEmptyNotNull() throws Exception {
        SchedulerReply reply = JSON.readValue("{\"requestDelaySeconds\":5}", SchedulerReply.class);
        assertTrue(reply.assignments().isEmpty());
        assertTrue(reply.cancelled().isEmpty());
        assertEquals(5, reply.requestDelaySeconds());
    }

    @Test
    void unsetPolicyFieldsTakeTheDefaults() {
        RedundancyPolicy policy = new RedundancyPolicy(3, 0, 0, 0, 0).withDefaults();
        assertEquals(new RedundancyPolicy(3, 3, 3, 6, 86_400), policy);
    }

    @Test
    void credentialsStayOutOfLogText() {
        assertFalse(new LoginRequest("a@b.c", "hunter2").toString().contains("hunter2"));
        assertFalse(new AccountSession(1, "a@b.c", "A", List.of(), "tok3n").toString().contains("tok3n"));
        assertEquals(new BigDecimal("20"), ParameterSpec.number("s", "1", "0", "20", "").maximum());
    }
}

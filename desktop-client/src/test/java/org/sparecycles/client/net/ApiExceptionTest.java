package org.sparecycles.client.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiExceptionTest {
    private static ApiException parse(int status, String body) {
        return ApiException.fromResponse(status, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheServersApiErrorWithAllProblems() {
        ApiException e = parse(400, "{\"error\":\"invalid_request\",\"detail\":\"bad report\","
                + "\"problems\":[\"result 9 was never sent to host 3\",\"workSeconds: negative\"],\"extra\":1}");

        assertEquals(400, e.status());
        assertEquals("invalid_request", e.error().error());
        assertEquals(List.of("result 9 was never sent to host 3", "workSeconds: negative"), e.error().problems());
        assertEquals("HTTP 400 invalid_request: bad report [result 9 was never sent to host 3, workSeconds: negative]",
                e.getMessage());
        assertFalse(e.isRetryable());
    }

    @Test
    void htmlFromAProxyBecomesAShortDetail() {
        ApiException e = parse(502, "<html><body>\n  <h1>Bad   Gateway</h1>\n</body></html>");

        assertEquals("http_502", e.error().error());
        assertEquals("<html><body> <h1>Bad Gateway</h1> </body></html>", e.error().detail());
        assertTrue(e.isRetryable());
    }

    @Test
    void emptyBodyStillNamesTheStatus() {
        ApiException e = ApiException.fromResponse(503, new byte[0]);

        assertEquals("HTTP 503 http_503: no details from the server", e.getMessage());
    }

    @Test
    void jsonWithoutAnErrorFieldIsShownAsText() {
        ApiException e = parse(404, "{\"message\":\"no such thing\"}");

        assertEquals("http_404", e.error().error());
        assertEquals("{\"message\":\"no such thing\"}", e.error().detail());
    }

    @Test
    void longBodiesAreCut() {
        ApiException e = parse(500, "x".repeat(1000));

        assertEquals(203, e.error().detail().length());
    }
}

package org.sparecycles.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Builds a multipart/form-data body the way a browser or curl sends it. */
final class Multipart {
    private final String boundary = "----sparecycles-" + UUID.randomUUID();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    Multipart json(String name, String json) {
        part("Content-Disposition: form-data; name=\"" + name + "\"\r\nContent-Type: application/json",
                json.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    Multipart file(String name, String fileName, byte[] content) {
        part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream", content);
        return this;
    }

    private void part(String headers, byte[] content) {
        write("--" + boundary + "\r\n" + headers + "\r\n\r\n");
        body.writeBytes(content);
        write("\r\n");
    }

    private void write(String text) {
        body.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    byte[] bytes() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(body.toByteArray());
        copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return copy.toByteArray();
    }
}

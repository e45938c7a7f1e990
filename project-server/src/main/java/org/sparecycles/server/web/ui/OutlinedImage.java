package org.sparecycles.server.web.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.sparecycles.workunits.image.GrayImage;
import org.sparecycles.workunits.image.ImageDecoder;
import org.sparecycles.workunits.image.ImageDecodingException;

/**
 * Draws an input image as the app saw it (8-bit gray) with each detected object's bounding box and centroid, as
 * a PNG. Objects come from the app's output ({@code objects[]} with {@code bbox_x}, {@code bbox_y},
 * {@code bbox_width}, {@code bbox_height}, {@code centroid_x}, {@code centroid_y}); an output without objects
 * gives the plain image.
 */
final class OutlinedImage {
    private static final Color BOX = new Color(255, 64, 64);
    private static final Color CENTROID = new Color(64, 200, 255);

    private OutlinedImage() {
    }

    static byte[] png(String fileName, byte[] content, JsonNode output) throws ImageDecodingException {
        GrayImage gray = ImageDecoder.decode(fileName, content);
        BufferedImage image = new BufferedImage(gray.width(), gray.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < gray.height(); y++) {
            for (int x = 0; x < gray.width(); x++) {
                int v = gray.level(x, y);
                image.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            float stroke = Math.max(1, Math.max(gray.width(), gray.height()) / 500f);
            g.setStroke(new BasicStroke(stroke));
            JsonNode objects = output == null ? null : output.get("objects");
            if (objects != null) {
                for (JsonNode o : objects) {
                    g.setColor(BOX);
                    g.drawRect(o.path("bbox_x").asInt(), o.path("bbox_y").asInt(),
                            Math.max(0, o.path("bbox_width").asInt() - 1), Math.max(0, o.path("bbox_height").asInt() - 1));
                    if (o.has("centroid_x")) {
                        int cx = (int) Math.round(o.path("centroid_x").asDouble());
                        int cy = (int) Math.round(o.path("centroid_y").asDouble());
                        int r = Math.round(2 * stroke);
                        g.setColor(CENTROID);
                        g.drawLine(cx - r, cy, cx + r, cy);
                        g.drawLine(cx, cy - r, cx, cy + r);
                    }
                }
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

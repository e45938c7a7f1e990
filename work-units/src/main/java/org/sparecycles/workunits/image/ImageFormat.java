package org.sparecycles.workunits.image;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The file formats {@link ImageDecoder} reads, recognised by their leading bytes (not by file name). */
public enum ImageFormat {
    PNG("png"),
    JPEG("jpeg"),
    GIF("gif"),
    BMP("bmp"),
    TIFF("tiff"),
    FITS("fits");

    private final String imageIoName;

    ImageFormat(String imageIoName) {
        this.imageIoName = imageIoName;
    }

    /** The format whose signature starts {@code content}; empty when none does. Never null. */
    public static Optional<ImageFormat> detect(byte[] content) {
        if (startsWith(content, 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a)) {
            return Optional.of(PNG);
        }
        if (startsWith(content, 0xff, 0xd8, 0xff)) {
            return Optional.of(JPEG);
        }
        if (startsWith(content, 'G', 'I', 'F', '8')) {
            return Optional.of(GIF);
        }
        if (startsWith(content, 'B', 'M')) {
            return Optional.of(BMP);
        }
        if (startsWith(content, 'I', 'I', 42, 0) || startsWith(content, 'M', 'M', 0, 42)) {
            return Optional.of(TIFF);
        }
        if (content.length >= 9 && new String(content, 0, 9, StandardCharsets.US_ASCII).equals("SIMPLE  =")) {
            return Optional.of(FITS);
        }
        return Optional.empty();
    }

    /** The name Java's {@code javax.imageio} registry knows this format by. */
    String imageIoName() {
        return imageIoName;
    }

    private static boolean startsWith(byte[] content, int... signature) {
        if (content.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((content[i] & 0xff) != signature[i]) {
                return false;
            }
        }
        return true;
    }
}

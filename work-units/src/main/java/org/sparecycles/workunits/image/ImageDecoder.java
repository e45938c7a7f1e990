package org.sparecycles.workunits.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes image files to 8-bit gray: PNG, JPEG, GIF, BMP and TIFF through {@code javax.imageio}, FITS with our own
 * reader. The format comes from the file's leading bytes, never from its name. How colours, palettes and samples
 * wider than 8 bits become gray levels is specified in {@code docs/image-formats.md}; in short:
 * <ul>
 *   <li>8-bit gray: the stored levels; 1, 2 and 4-bit gray: stretched to 0..255;</li>
 *   <li>palette images: the gray of the colour each index displays;</li>
 *   <li>colour: {@code round((r + g + b) / 3)}, ImageJ's default; alpha is ignored;</li>
 *   <li>16-bit, 32-bit and floating-point gray, and FITS: linear from the smallest finite value (0) to the largest
 *       (255), rounded half up; undefined values become 0.</li>
 * </ul>
 * Only the first image of a multi-image GIF or TIFF and the first plane of a FITS cube are read.
 *
 * <p>Stateless and thread-safe; each call decodes on the calling thread and reads nothing but its arguments.
 */
public final class ImageDecoder {
    /** The largest image accepted, in pixels: decoding needs about 15 bytes a pixel at the peak. */
    public static final long MAX_PIXELS = 50_000_000L;

    private ImageDecoder() {
    }

    /**
     * Decodes a whole file. A file that is cut short or damaged is rejected rather than decoded partly.
     *
     * @param fileName names the file in error messages only
     * @param content  the file's bytes; not changed
     * @throws ImageDecodingException when the bytes are not a supported image, are truncated or corrupt, or exceed
     *                                {@link #MAX_PIXELS}; the message starts with {@code fileName + ": "}
     */
    public static GrayImage decode(String fileName, byte[] content) throws ImageDecodingException {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(content, "content");
        ImageFormat format = ImageFormat.detect(content).orElseThrow(() -> new ImageDecodingException(fileName
                + ": not an image (no PNG, JPEG, GIF, BMP, TIFF or FITS signature)"));
        if (format == ImageFormat.FITS) {
            try {
                FitsReader.Plane plane = FitsReader.read(content, MAX_PIXELS);
                return new GrayImage(plane.width(), plane.height(), LinearScaling.toLevels(plane.values()));
            } catch (IllegalArgumentException e) {
                throw new ImageDecodingException(fileName + ": " + e.getMessage(), e);
            }
        }
        if (format == ImageFormat.PNG) {
            String problem = PngStructure.problem(content);
            if (problem != null) {
                throw corrupt(fileName, format, problem, null);
            }
        }
        return GrayConversion.toGray(readWithImageIo(fileName, content, format));
    }

    private static BufferedImage readWithImageIo(String fileName, byte[] content, ImageFormat format)
            throws ImageDecodingException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new ImageDecodingException(fileName + ": no " + format + " decoder in this Java runtime");
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(content))) {
            reader.setInput(in, true, true);
            long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
            if (pixels > MAX_PIXELS) {
                throw new ImageDecodingException(fileName + ": image of " + reader.getWidth(0) + "x"
                        + reader.getHeight(0) + " pixels is larger than the limit of " + MAX_PIXELS + " pixels");
            }
            BufferedImage image = reader.read(0);
            if (!warnings.isEmpty()) {
                // the JPEG decoder reports a cut-off file only as a warning and fills the rest with gray
                throw corrupt(fileName, format, warnings.get(0), null);
            }
            return image;
        } catch (IOException | RuntimeException e) {
            throw corrupt(fileName, format, e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    private static ImageDecodingException corrupt(String fileName, ImageFormat format, String detail, Throwable cause) {
        String message = fileName + ": truncated or corrupt " + format + " data"
                + (detail == null || detail.isBlank() ? "" : " (" + detail + ")");
        return new ImageDecodingException(message, cause);
    }
}

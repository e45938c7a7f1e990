package org.sparecycles.workunits.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.process.ColorProcessor;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparecycles.workunits.samples.SampleImages;

class ImageDecoderTest {

    @ParameterizedTest
    @CsvSource({
            "blobs.png, 256, 254", "blobs_original_indexed.png, 256, 254", "coins.png, 384, 303",
            "dotblot.png, 513, 282", "cell.png, 550, 660", "simple.fits, 256, 256",
    })
    void decodesEveryBundledSample(String name, int width, int height) throws Exception {
        GrayImage image = ImageDecoder.decode(name, SampleImages.bytes(name));
        assertEquals(width, image.width());
        assertEquals(height, image.height());
    }

    @Test
    void readsAnIndexedImageAsTheGrayItDisplays() throws Exception {
        byte[] indexed = SampleImages.bytes("blobs_original_indexed.png");
        BufferedImage raw = ImageIO.read(new java.io.ByteArrayInputStream(indexed));
        IndexColorModel palette = (IndexColorModel) raw.getColorModel();
        assertTrue(palette.getRed(0) > palette.getRed(255), "the sample's palette is inverted");

        GrayImage gray = ImageDecoder.decode("blobs_original_indexed.png", indexed);
        for (int y = 0; y < raw.getHeight(); y += 7) {
            for (int x = 0; x < raw.getWidth(); x += 5) {
                int index = raw.getRaster().getSample(x, y, 0);
                assertEquals(palette.getRed(index), gray.level(x, y), "pixel " + x + "," + y);
            }
        }
        assertEquals(ImageDecoder.decode("blobs.png", SampleImages.bytes("blobs.png")), gray,
                "blobs.png is the displayed gray of the indexed original");
    }

    @Test
    void turnsColourIntoTheUnweightedMeanLikeImageJ() throws Exception {
        int width = 64;
        int height = 32;
        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                rgb.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        rgb.setRGB(0, 0, 0x010000); // (1 + 0 + 0) / 3 = 0.33: rounds down
        rgb.setRGB(1, 0, 0x010100); // 0.67: rounds up
        GrayImage gray = ImageDecoder.decode("colour.png", encode(rgb, "png"));
        assertEquals(0, gray.level(0, 0));
        assertEquals(1, gray.level(1, 0));

        // ImageJ's RGB -> 8-bit with its default (unweighted) conversion
        ColorProcessor imagej = new ColorProcessor(rgb);
        byte[] expected = (byte[]) imagej.convertToByte(false).getPixels();
        assertArrayEquals(expected, gray.pixels());
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "bmp", "gif", "tiff"})
    void readsLosslessFormatsToTheSameGray(String format) throws Exception {
        GrayImage blobs = ImageDecoder.decode("blobs.png", SampleImages.bytes("blobs.png"));
        byte[] file = encode(toBufferedImage(blobs), format);
        assertEquals(blobs, ImageDecoder.decode("blobs." + format, file));
    }

    @Test
    void readsJpegCloseToTheOriginal() throws Exception {
        GrayImage coins = ImageDecoder.decode("coins.png", SampleImages.bytes("coins.png"));
        GrayImage jpeg = ImageDecoder.decode("coins.jpg", encode(toBufferedImage(coins), "jpeg"));
        assertEquals(coins.width(), jpeg.width());
        double difference = 0;
        for (int i = 0; i < coins.pixels().length; i++) {
            difference += Math.abs((coins.pixels()[i] & 0xff) - (jpeg.pixels()[i] & 0xff));
        }
        assertTrue(difference / coins.pixels().length < 4, "mean difference " + difference / coins.pixels().length);
    }

    @Test
    void stretchesSixteenBitGrayFromItsMinimumToItsMaximum() throws Exception {
        BufferedImage image = new BufferedImage(5, 1, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = image.getRaster();
        int[] samples = {1000, 1001, 1000 + 255, 1000 + 510, 1000 + 51_000};
        raster.setPixels(0, 0, 5, 1, samples);
        GrayImage gray = ImageDecoder.decode("deep.png", encode(image, "png"));
        // (v - 1000) * 255 / 51000 rounded half up: 0, 0.005, 1.275, 2.55, 255
        assertArrayEquals(new byte[] {0, 0, 1, 3, (byte) 255}, gray.pixels());
        assertEquals(gray, ImageDecoder.decode("deep.tif", encode(image, "tiff")));
    }

    @Test
    void scalesFitsLinearlyFromTheSmallestToTheLargestValue() throws Exception {
        byte[] fits = SampleImages.bytes("simple.fits");
        GrayImage gray = ImageDecoder.decode("simple.fits", fits);
        ByteBuffer data = ByteBuffer.wrap(fits, 2880 * headerBlocks(fits), 256 * 256 * 2).order(ByteOrder.BIG_ENDIAN);
        short[] raw = new short[256 * 256];
        data.asShortBuffer().get(raw);
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (short v : raw) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        for (int i = 0; i < raw.length; i += 97) {
            long expected = ((raw[i] - min) * 510L + (max - min)) / (2L * (max - min));
            assertEquals(expected, gray.pixels()[i] & 0xff, "pixel " + i);
        }
        assertEquals(0, gray.pixels()[indexOf(raw, (short) min)]);
        assertEquals(255, gray.pixels()[indexOf(raw, (short) max)] & 0xff);
    }

    @Test
    void honoursBzeroBscaleBlankAndTakesTheFirstPlaneOfACube() throws Exception {
        Fits fits = new Fits(16, 3, 1).with("NAXIS3", "2").with("BZERO", "32768").with("BSCALE", "2.0D0")
                .with("BLANK", "-32768");
        ByteBuffer pixels = ByteBuffer.allocate(3 * 2 * 2);
        pixels.putShort((short) -32767).putShort((short) -32768).putShort((short) 32767); // plane 1; middle blank
        pixels.putShort((short) 0).putShort((short) 0).putShort((short) 0); // plane 2
        GrayImage gray = ImageDecoder.decode("cube.fits", fits.bytes(pixels.array()));
        assertArrayEquals(new byte[] {0, 0, (byte) 255}, gray.pixels());
    }

    @Test
    void readsFloatingPointFitsIgnoringNotANumber() throws Exception {
        Fits fits = new Fits(-32, 4, 1);
        ByteBuffer pixels = ByteBuffer.allocate(16);
        pixels.putFloat(-1.5f).putFloat(Float.NaN).putFloat(0.5f).putFloat(2.5f);
        GrayImage gray = ImageDecoder.decode("float.fits", fits.bytes(pixels.array()));
        // (v + 1.5) / 4 * 255: 0, -, 127.5 -> 128, 255
        assertArrayEquals(new byte[] {0, 0, (byte) 128, (byte) 255}, gray.pixels());
    }

    @ParameterizedTest
    @ValueSource(ints = {9, 33, 100, 1000, 8000, 17000, 17186})
    void rejectsATruncatedPngNamingTheFile(int keptBytes) {
        byte[] cut = Arrays.copyOf(SampleImages.bytes("blobs.png"), keptBytes);
        ImageDecodingException e = assertThrows(ImageDecodingException.class,
                () -> ImageDecoder.decode("cells.png", cut));
        assertTrue(e.getMessage().startsWith("cells.png: truncated or corrupt PNG data"), e.getMessage());
    }

    @Test
    void rejectsAPngWithADamagedByte() {
        byte[] damaged = SampleImages.bytes("coins.png");
        damaged[damaged.length / 2] ^= 0x10;
        ImageDecodingException e = assertThrows(ImageDecodingException.class,
                () -> ImageDecoder.decode("coins.png", damaged));
        assertTrue(e.getMessage().startsWith("coins.png: truncated or corrupt PNG data (checksum mismatch"),
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"jpeg, JPEG", "gif, GIF", "bmp, BMP", "tiff, TIFF"})
    void rejectsOtherTruncatedFormatsNamingTheFile(String format, String shown) throws Exception {
        GrayImage coins = ImageDecoder.decode("coins.png", SampleImages.bytes("coins.png"));
        byte[] file = encode(toBufferedImage(coins), format);
        byte[] cut = Arrays.copyOf(file, file.length * 2 / 3);
        ImageDecodingException e = assertThrows(ImageDecodingException.class,
                () -> ImageDecoder.decode("coins." + format, cut));
        assertTrue(e.getMessage().startsWith("coins." + format + ": truncated or corrupt " + shown + " data"),
                e.getMessage());
    }

    @Test
    void rejectsATruncatedFits() {
        byte[] fits = SampleImages.bytes("simple.fits");
        ImageDecodingException data = assertThrows(ImageDecodingException.class,
                () -> ImageDecoder.decode("m51.fits", Arrays.copyOf(fits, fits.length - 2880)));
        assertTrue(data.getMessage().startsWith("m51.fits: truncated FITS data"), data.getMessage());
        ImageDecodingException header = assertThrows(ImageDecodingException.class,
                () -> ImageDecoder.decode("m51.fits", Arrays.copyOf(fits, 800)));
        assertEquals("m51.fits: truncated FITS header: no END card", header.getMessage());
    }

    @Test
    void rejectsWhatIsNotAnImage() {
        ImageDecodingException e = assertThrows(ImageDecodingException.class,
                () -> ImageDecoder.decode("notes.txt", "this is not an image".getBytes()));
        assertEquals("notes.txt: not an image (no PNG, JPEG, GIF, BMP, TIFF or FITS signature)", e.getMessage());
        assertThrows(ImageDecodingException.class, () -> ImageDecoder.decode("empty.png", new byte[0]));
    }

    @Test
    void rejectsAnImageLargerThanTheLimitBeforeDecodingIt() {
        ByteBuffer header = ByteBuffer.allocate(13);
        header.putInt(100_000).putInt(100_000).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
        writeChunk(png, "IHDR", header.array());
        writeChunk(png, "IEND", new byte[0]);
        ImageDecodingException e = assertThrows(ImageDecodingException.class,
                () -> ImageDecoder.decode("huge.png", png.toByteArray()));
        assertTrue(e.getMessage().startsWith("huge.png: image of 100000x100000 pixels is larger than the limit"),
                e.getMessage());
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
        ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put(type.getBytes()).put(data);
        CRC32 crc = new CRC32();
        crc.update(chunk.array(), 4, 4 + data.length);
        chunk.putInt((int) crc.getValue());
        out.writeBytes(chunk.array());
    }

    static BufferedImage toBufferedImage(GrayImage gray) {
        BufferedImage image = new BufferedImage(gray.width(), gray.height(), BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, gray.width(), gray.height(), gray.pixels());
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int indexOf(short[] values, short value) {
        for (int i = 0; ; i++) {
            if (values[i] == value) {
                return i;
            }
        }
    }

    private static int headerBlocks(byte[] fits) {
        for (int card = 0; ; card++) {
            if (new String(fits, card * 80, 8).trim().equals("END")) {
                return card * 80 / 2880 + 1;
            }
        }
    }

    /** A minimal FITS file: a header of the given cards, then the pixels, padded to 2880-byte blocks. */
    private record Fits(StringBuilder cards) {
        Fits(int bitpix, int width, int height) {
            this(new StringBuilder());
            card("SIMPLE", "T");
            card("BITPIX", Integer.toString(bitpix));
            card("NAXIS", "2");
            card("NAXIS1", Integer.toString(width));
            card("NAXIS2", Integer.toString(height));
        }

        Fits with(String keyword, String value) {
            if (keyword.equals("NAXIS3")) {
                int at = cards.indexOf("NAXIS   =");
                cards.replace(at, at + 80, String.format("%-8s= %20s", "NAXIS", "3") + " ".repeat(50));
            }
            card(keyword, value);
            return this;
        }

        private void card(String keyword, String value) {
            cards.append(String.format("%-8s= %20s / test", keyword, value));
            cards.append(" ".repeat(80 - cards.length() % 80 == 80 ? 0 : 80 - cards.length() % 80));
        }

        byte[] bytes(byte[] pixels) {
            StringBuilder header = new StringBuilder(cards).append(String.format("%-80s", "END"));
            while (header.length() % 2880 != 0) {
                header.append(' ');
            }
            int dataBlocks = (pixels.length + 2879) / 2880;
            byte[] out = new byte[header.length() + dataBlocks * 2880];
            System.arraycopy(header.toString().getBytes(), 0, out, 0, header.length());
            System.arraycopy(pixels, 0, out, header.length(), pixels.length);
            return out;
        }
    }
}

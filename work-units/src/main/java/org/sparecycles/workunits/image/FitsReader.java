package org.sparecycles.workunits.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the primary image of a FITS file (FITS standard 4.0, section 4 and 5): header cards of 80 ASCII
 * characters in 2880-byte blocks, then big-endian pixels. Supports BITPIX 8, 16, 32, 64, -32 and -64, NAXIS 2 or
 * more (the first plane is taken), BZERO/BSCALE and, for integer data, BLANK. Row 0 of the result is the first
 * row stored in the file (FITS pixel {@code (x+1, y+1)}); viewers such as DS9 draw that row at the bottom.
 */
final class FitsReader {
    private static final int BLOCK = 2880;
    private static final int CARD = 80;

    private FitsReader() {
    }

    /** Physical pixel values of the first plane in raster order, NaN where undefined; see {@link #read}. */
    record Plane(int width, int height, double[] values) {
    }

    /**
     * @throws IllegalArgumentException with a message (without the file name) saying what is wrong
     */
    static Plane read(byte[] fits, long maxPixels) {
        Map<String, String> header = new HashMap<>();
        int dataStart = readHeader(fits, header);
        if (!"T".equals(header.get("SIMPLE"))) {
            throw new IllegalArgumentException("FITS header does not say SIMPLE = T");
        }
        int bitpix = intValue(header, "BITPIX");
        if (bitpix != 8 && bitpix != 16 && bitpix != 32 && bitpix != 64 && bitpix != -32 && bitpix != -64) {
            throw new IllegalArgumentException("unsupported FITS BITPIX " + bitpix);
        }
        int naxis = intValue(header, "NAXIS");
        if (naxis < 2) {
            throw new IllegalArgumentException("FITS primary HDU has NAXIS = " + naxis + ", not an image");
        }
        int width = intValue(header, "NAXIS1");
        int height = intValue(header, "NAXIS2");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("FITS image is " + width + "x" + height);
        }
        if ((long) width * height > maxPixels) {
            throw new IllegalArgumentException("image of " + width + "x" + height + " pixels is larger than the limit of "
                    + maxPixels + " pixels");
        }
        double bzero = doubleValue(header, "BZERO", 0);
        double bscale = doubleValue(header, "BSCALE", 1);
        String blankText = header.get("BLANK");
        long blank = bitpix > 0 && blankText != null ? (long) parseNumber("BLANK", blankText) : Long.MIN_VALUE;
        boolean hasBlank = bitpix > 0 && blankText != null;

        int bytesPerPixel = Math.abs(bitpix) / 8;
        long needed = (long) width * height * bytesPerPixel;
        if (fits.length - (long) dataStart < needed) {
            throw new IllegalArgumentException("truncated FITS data: " + needed + " bytes of pixels expected, "
                    + Math.max(0, fits.length - dataStart) + " found");
        }
        ByteBuffer data = ByteBuffer.wrap(fits, dataStart, (int) needed); // big-endian is ByteBuffer's default
        double[] values = new double[width * height];
        for (int i = 0; i < values.length; i++) {
            double raw;
            switch (bitpix) {
                case 8 -> raw = rawInteger(data.get() & 0xff, hasBlank, blank);
                case 16 -> raw = rawInteger(data.getShort(), hasBlank, blank);
                case 32 -> raw = rawInteger(data.getInt(), hasBlank, blank);
                case 64 -> raw = rawInteger(data.getLong(), hasBlank, blank);
                case -32 -> raw = data.getFloat();
                default -> raw = data.getDouble();
            }
            values[i] = bzero + bscale * raw;
        }
        return new Plane(width, height, values);
    }

    private static double rawInteger(long value, boolean hasBlank, long blank) {
        return hasBlank && value == blank ? Double.NaN : value;
    }

    /** Fills {@code header} with keyword to value text; returns the offset of the data. */
    private static int readHeader(byte[] fits, Map<String, String> header) {
        for (int pos = 0; pos + CARD <= fits.length; pos += CARD) {
            String card = new String(fits, pos, CARD, StandardCharsets.US_ASCII);
            String keyword = card.substring(0, 8).trim();
            if (keyword.equals("END")) {
                int headerEnd = pos + CARD;
                return (headerEnd + BLOCK - 1) / BLOCK * BLOCK;
            }
            if (card.startsWith("= ", 8)) {
                header.putIfAbsent(keyword, valueOf(card.substring(10)));
            }
        }
        throw new IllegalArgumentException("truncated FITS header: no END card");
    }

    /** The value part of a card: a quoted string without its quotes, or the text before any comment. */
    private static String valueOf(String field) {
        String text = field.trim();
        if (text.startsWith("'")) {
            int end = text.indexOf('\'', 1);
            return end < 0 ? text.substring(1) : text.substring(1, end).trim();
        }
        int slash = text.indexOf('/');
        return (slash < 0 ? text : text.substring(0, slash)).trim();
    }

    private static int intValue(Map<String, String> header, String keyword) {
        String text = header.get(keyword);
        if (text == null) {
            throw new IllegalArgumentException("FITS header lacks " + keyword);
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("FITS " + keyword + " is not a whole number: " + text);
        }
    }

    private static double doubleValue(Map<String, String> header, String keyword, double fallback) {
        String text = header.get(keyword);
        return text == null ? fallback : parseNumber(keyword, text);
    }

    private static double parseNumber(String keyword, String text) {
        try {
            // FITS allows a Fortran exponent letter D
            double value = Double.parseDouble(text.toUpperCase(Locale.ROOT).replace('D', 'E'));
            if (!Double.isFinite(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("FITS " + keyword + " is not a number: " + text);
        }
    }
}

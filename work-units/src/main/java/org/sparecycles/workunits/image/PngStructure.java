package org.sparecycles.workunits.image;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Walks a PNG's chunks and checks each chunk's CRC and that the file ends with IEND. Java's PNG reader tolerates
 * a missing tail and never checks CRCs, so without this a cut-off or damaged upload could decode "fine".
 */
final class PngStructure {
    private static final int SIGNATURE_LENGTH = 8;

    private PngStructure() {
    }

    /** Null when the chunk structure is sound, otherwise what is wrong with it. */
    static String problem(byte[] png) {
        int pos = SIGNATURE_LENGTH;
        boolean first = true;
        while (true) {
            if (pos + 8 > png.length) {
                return "file ends before the IEND chunk";
            }
            long length = readUnsignedInt(png, pos);
            String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
            if (first && !type.equals("IHDR")) {
                return "first chunk is " + type + ", not IHDR";
            }
            first = false;
            if (length > png.length - pos - 12L) {
                return "file ends inside the " + type + " chunk";
            }
            int dataEnd = pos + 8 + (int) length;
            CRC32 crc = new CRC32();
            crc.update(png, pos + 4, 4 + (int) length);
            if (crc.getValue() != readUnsignedInt(png, dataEnd)) {
                return "checksum mismatch in the " + type + " chunk";
            }
            if (type.equals("IEND")) {
                return null;
            }
            pos = dataEnd + 4;
        }
    }

    private static long readUnsignedInt(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }
}

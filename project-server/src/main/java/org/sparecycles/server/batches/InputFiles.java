package org.sparecycles.server.batches;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.sparecycles.server.error.PayloadTooLargeException;
import org.sparecycles.workunits.app.InputFile;

/**
 * Turns uploaded parts into a batch's input files: a {@code .zip} part becomes its entries (folders flattened,
 * hidden entries and folders skipped), any other part one file. File names are reduced to their last path
 * segment. Unpacked sizes count against the batch limit, so a zip bomb stops early.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /**
     * Adds the part's files to {@code into}.
     *
     * @param problems where an unreadable or empty zip is reported, naming it
     * @param budget   bytes still allowed in the batch; element 0 is decreased by what is added
     * @throws PayloadTooLargeException when the batch exceeds the limit
     */
    public static void add(String partName, InputStream content, List<InputFile> into, List<String> problems,
                           long[] budget) throws IOException {
        String name = baseName(partName);
        if (name.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            addZip(name, content, into, problems, budget);
        } else {
            into.add(new InputFile(name, readLimited(name, content, budget)));
        }
    }

    private static void addZip(String zipName, InputStream content, List<InputFile> into, List<String> problems,
                               long[] budget) throws IOException {
        int before = into.size();
        try (ZipInputStream zip = new ZipInputStream(content)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String entry = baseName(e.getName());
                if (e.isDirectory() || entry.isEmpty() || entry.startsWith(".") || e.getName().contains("__MACOSX/")) {
                    continue;
                }
                into.add(new InputFile(entry, readLimited(zipName + "!" + entry, zip, budget)));
            }
        } catch (java.util.zip.ZipException e) {
            problems.add(zipName + ": not a readable zip (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) { // an entry name that is not UTF-8 ("MALFORMED")
            problems.add(zipName + ": not a readable zip (an entry name is not UTF-8: " + e.getMessage() + ")");
            return;
        }
        if (into.size() == before) {
            problems.add(zipName + ": the zip holds no files");
        }
    }

    private static byte[] readLimited(String name, InputStream in, long[] budget) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, budget[0] + 1));
        if (bytes.length > budget[0]) {
            throw new PayloadTooLargeException("batch_too_large", name + ": the batch exceeds its size limit");
        }
        budget[0] -= bytes.length;
        return bytes;
    }

    static String baseName(String path) {
        String p = path == null ? "" : path.replace('\\', '/');
        String base = p.substring(p.lastIndexOf('/') + 1).strip();
        StringBuilder clean = new StringBuilder();
        base.codePoints().filter(cp -> !Character.isISOControl(cp)).forEach(clean::appendCodePoint);
        String out = clean.toString();
        return out.length() > 255 ? out.substring(out.length() - 255) : out.isEmpty() ? "unnamed" : out;
    }
}

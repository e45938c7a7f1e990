package org.sparecycles.server.web.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * The key under which the log-in and sign-up forms' CSRF tokens are made, kept in {@value #FILE_NAME} in the data
 * directory (readable by the owner only, where the file system has POSIX permissions), so that a form loaded
 * before a server restart still posts after it.
 */
final class FormKey {
    static final String FILE_NAME = "web-form.key";
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private FormKey() {
    }

    /** Reads the key, making it first when there is none; a damaged file is replaced. */
    static byte[] load(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                byte[] key = parse(Files.readString(file, StandardCharsets.US_ASCII).trim());
                if (key != null) {
                    return key;
                }
            }
            Files.createDirectories(dataDir);
            String hex = WebSessions.random();
            Path tmp = Files.createTempFile(dataDir, FILE_NAME, ".tmp");
            try {
                ownerOnly(tmp);
                Files.writeString(tmp, hex + "\n", StandardCharsets.US_ASCII);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            ownerOnly(file);
            return HexFormat.of().parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the web form key " + file, e);
        }
    }

    private static byte[] parse(String hex) {
        if (!hex.matches("[0-9a-f]{64}")) {
            return null;
        }
        return HexFormat.of().parseHex(hex);
    }

    private static void ownerOnly(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }
}

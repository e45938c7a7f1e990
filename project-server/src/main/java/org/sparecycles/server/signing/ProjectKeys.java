package org.sparecycles.server.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparecycles.workunits.signing.ProjectSigner;
import org.sparecycles.workunits.signing.SignatureException;

/**
 * The project's Ed25519 key file: read at start-up, or made on the first start. The file holds one line, the
 * private key as base64 PKCS#8 (which implies the public key); it is created readable by its owner only. See
 * docs/security.md for keeping it safe.
 */
public final class ProjectKeys {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectKeys.class);

    private ProjectKeys() {
    }

    /**
     * The signer from {@code file}, creating a new key there when it does not exist.
     *
     * @throws UncheckedIOException  when the file cannot be read or written
     * @throws IllegalStateException when the file holds no valid key (never overwritten)
     */
    public static ProjectSigner loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII);
            ProjectSigner signer = ProjectSigner.parse(text);
            LOG.info("project key {} (fingerprint {})", file, signer.publicKey().fingerprint());
            return signer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the project key " + file, e);
        } catch (SignatureException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        }
    }

    private static void create(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not POSIX (Windows): the data dir's ACL applies
        }
        Files.writeString(tmp, ProjectSigner.generate().encodedPrivateKey() + "\n", StandardCharsets.US_ASCII);
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp); // another process made it first; use theirs
        }
        LOG.info("made a new project key in {}", file);
    }
}

package org.sparecycles.workunits.signing;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import org.sparecycles.workunits.hash.Sha256;

/**
 * A project's public Ed25519 key, as a client pins it: the X.509 (SubjectPublicKeyInfo) encoding in base64, the
 * form {@code GET /api/v1/project-key} answers. Verifies signatures made by {@link ProjectSigner}. Immutable and
 * thread-safe.
 */
public final class ProjectKey {
    /** The only algorithm used; JDK 15 and later have it built in. */
    public static final String ALGORITHM = "Ed25519";

    private final String encoded;
    private final PublicKey key;

    private ProjectKey(String encoded, PublicKey key) {
        this.encoded = encoded;
        this.key = key;
    }

    /**
     * Reads a key in the form {@link #encoded()} gives.
     *
     * @throws SignatureException when the text is not a base64 Ed25519 public key
     */
    public static ProjectKey parse(String base64) throws SignatureException {
        Objects.requireNonNull(base64, "base64");
        try {
            byte[] der = Base64.getDecoder().decode(base64.trim());
            PublicKey key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
            return new ProjectKey(Base64.getEncoder().encodeToString(key.getEncoded()), key);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new SignatureException("not an Ed25519 public key: " + e.getMessage());
        }
    }

    static ProjectKey of(PublicKey key) {
        return new ProjectKey(Base64.getEncoder().encodeToString(key.getEncoded()), key);
    }

    /** Base64 of the X.509 encoding. */
    public String encoded() {
        return encoded;
    }

    /** SHA-256 of the X.509 encoding, hex: what people compare when checking a key by eye. */
    public String fingerprint() {
        return Sha256.hex(key.getEncoded());
    }

    /**
     * Checks that {@code signature} (base64) is this key's signature of {@code content}.
     *
     * @throws SignatureException saying why not: no signature, not base64, or it does not match
     */
    public void verify(byte[] content, String signature) throws SignatureException {
        if (signature == null || signature.isBlank()) {
            throw new SignatureException("it is not signed");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            throw new SignatureException("its signature is not base64");
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(content);
            if (!verifier.verify(bytes)) {
                throw new SignatureException("its signature does not match the project key " + shortFingerprint()
                        + " (tampered, or signed by another key)");
            }
        } catch (java.security.SignatureException e) {
            throw new SignatureException("its signature is malformed: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 missing from this Java runtime", e);
        }
    }

    /** The first 16 hex digits of the fingerprint, for messages. */
    public String shortFingerprint() {
        return fingerprint().substring(0, 16);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProjectKey k && k.encoded.equals(encoded);
    }

    @Override
    public int hashCode() {
        return encoded.hashCode();
    }

    @Override
    public String toString() {
        return "ProjectKey[" + shortFingerprint() + "]";
    }
}

package org.sparecycles.workunits.signing;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;

/**
 * A project's Ed25519 key pair, which signs assignments and app descriptors. The private key's text form is
 * base64 of its PKCS#8 encoding, which also holds the public key, so one file is enough to keep. Thread-safe.
 *
 * <p>Signing uses Bouncy Castle's RFC 8032 implementation when it is on the class path (the server has it; it signs
 * every assignment, and the JDK's Ed25519 took about a third of a loaded scheduler's CPU), else the JDK's. Ed25519
 * signatures are deterministic, so both give the same bytes.
 */
public final class ProjectSigner {
    private static final boolean BOUNCY_CASTLE = bouncyCastlePresent();

    private final PrivateKey privateKey;
    private final ProjectKey publicKey;
    /** The 32-byte private seed and public key, for Bouncy Castle; null when the JDK signs. */
    private final byte[] seed;
    private final byte[] publicKeyBytes;

    private ProjectSigner(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = ProjectKey.of(publicKey);
        byte[] s = BOUNCY_CASTLE ? ((java.security.interfaces.EdECPrivateKey) privateKey).getBytes().orElse(null) : null;
        this.seed = s != null && s.length == 32 ? s : null;
        this.publicKeyBytes = seed == null ? null : BouncyCastleEd25519.publicKey(seed);
    }

    private static boolean bouncyCastlePresent() {
        try {
            Class.forName("org.bouncycastle.math.ec.rfc8032.Ed25519", false, ProjectSigner.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Which implementation signs: "bouncycastle" or "jdk". */
    public String engine() {
        return seed != null ? "bouncycastle" : "jdk";
    }

    /** A new random key pair. */
    public static ProjectSigner generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(ProjectKey.ALGORITHM).generateKeyPair();
            return new ProjectSigner(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 missing from this Java runtime", e);
        }
    }

    /**
     * Reads the form {@link #encodedPrivateKey()} writes.
     *
     * @throws SignatureException when the text is not such a key
     */
    public static ProjectSigner parse(String base64Pkcs8) throws SignatureException {
        Objects.requireNonNull(base64Pkcs8, "base64Pkcs8");
        try {
            byte[] der = Base64.getDecoder().decode(base64Pkcs8.trim());
            PrivateKey key = KeyFactory.getInstance(ProjectKey.ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
            return new ProjectSigner(key, publicKeyOf(key));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new SignatureException("not an Ed25519 private key (PKCS#8, base64): " + e.getMessage());
        }
    }

    /** Base64 of the PKCS#8 encoding; secret. */
    public String encodedPrivateKey() {
        return Base64.getEncoder().encodeToString(privateKey.getEncoded());
    }

    /** The public half, for clients to pin. */
    public ProjectKey publicKey() {
        return publicKey;
    }

    /** The signature of {@code content}, base64. */
    public String sign(byte[] content) {
        if (seed != null) {
            return Base64.getEncoder().encodeToString(BouncyCastleEd25519.sign(seed, publicKeyBytes, content));
        }
        return Base64.getEncoder().encodeToString(signWithJdk(content));
    }

    /** The JDK's signature of {@code content} (the reference {@link #sign} agrees with). */
    byte[] signWithJdk(byte[] content) {
        try {
            Signature signer = Signature.getInstance(ProjectKey.ALGORITHM);
            signer.initSign(privateKey);
            signer.update(content);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with Ed25519", e);
        }
    }

    /**
     * The public key of an Ed25519 private key. The JDK's PKCS#8 form (v1) holds only the 32-byte seed, so the
     * public key is recomputed: signing is deterministic, and a key pair generated from the same seed through a
     * fixed "random" source has the same public key.
     */
    private static PublicKey publicKeyOf(PrivateKey key) throws GeneralSecurityException {
        byte[] seed = ((java.security.interfaces.EdECPrivateKey) key).getBytes()
                .orElseThrow(() -> new GeneralSecurityException("the private key has no seed"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance(ProjectKey.ALGORITHM);
        generator.initialize(java.security.spec.NamedParameterSpec.ED25519, new FixedSeed(seed));
        return generator.generateKeyPair().getPublic();
    }

    /** A "random" source that yields the given seed, so the generator rebuilds a known key pair. */
    private static final class FixedSeed extends java.security.SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }
}

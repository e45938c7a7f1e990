package org.sparecycles.workunits.signing;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 by Bouncy Castle's RFC 8032 code. Only loaded when Bouncy Castle is on the class path (see
 * {@link ProjectSigner}); keeping the references here means the class path without it never resolves them.
 */
final class BouncyCastleEd25519 {
    static {
        Ed25519.precompute();
    }

    private BouncyCastleEd25519() {
    }

    /** The 32-byte public key of a 32-byte private seed. */
    static byte[] publicKey(byte[] seed) {
        byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, pk, 0);
        return pk;
    }

    /** The 64-byte signature of {@code message}, given the seed and its public key (saves deriving it again). */
    static byte[] sign(byte[] seed, byte[] publicKey, byte[] message) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, signature, 0);
        return signature;
    }
}

package org.sparecycles.workunits.protocol;

/**
 * {@code GET /api/v1/project-key}: the project's public key, which a client pins when it attaches.
 *
 * @param algorithm   always {@code Ed25519}
 * @param publicKey   base64 of the X.509 (SubjectPublicKeyInfo) encoding
 * @param fingerprint SHA-256 of that encoding, hex, for people to compare
 */
public record ProjectKeyInfo(String algorithm, String publicKey, String fingerprint) implements ProtocolMessage {
}

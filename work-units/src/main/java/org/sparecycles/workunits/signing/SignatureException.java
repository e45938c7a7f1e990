package org.sparecycles.workunits.signing;

/** A signature is missing, malformed, or does not match the signed content; the message says which. */
public final class SignatureException extends Exception {
    private static final long serialVersionUID = 1L;

    public SignatureException(String message) {
        super(message);
    }
}

package dev.terrarium.signing;

/**
 * What checking an image's signatures found: a signature by a trusted key that binds the image's
 * repository, digest and spec hash, or the reason there is none.
 */
public sealed interface Verification {

    /** Whether a trusted signature was found. */
    default boolean verified() {
        return this instanceof Verified;
    }

    /**
     * A signature by a trusted key binds the repository, the digest and the spec hash.
     *
     * @param keyId the key id of the key whose signature passed
     */
    record Verified(String keyId) implements Verification {}

    /**
     * No signature passed.
     *
     * @param reason the furthest any signature got, see {@link Reason}
     * @param message what was found, for a status or an event; holds no key material
     */
    record Rejected(Reason reason, String message) implements Verification {}

    /**
     * Why no signature passed, in the order checks run: when several signatures fail, the reason
     * reported is that of the one that got furthest, e.g. a trusted signature for another spec hash
     * is reported as {@link #SPEC_HASH_MISMATCH} even when an untrusted one is present too.
     */
    enum Reason {
        /** There is no signature manifest for the digest, or it holds no cosign signature. */
        NO_SIGNATURE,
        /**
         * The signature manifest cannot be used: malformed, too many layers, or payloads too large
         * or missing.
         */
        INVALID_SIGNATURE_MANIFEST,
        /** No signature verifies with a trusted key. */
        BAD_SIGNATURE,
        /** A trusted signature signs something that is not a cosign image signature payload. */
        INVALID_PAYLOAD,
        /** A trusted signature is for another manifest digest (copied from another image). */
        DIGEST_MISMATCH,
        /** A trusted signature names another repository. */
        IDENTITY_MISMATCH,
        /** A trusted signature for this image carries another spec hash, or none. */
        SPEC_HASH_MISMATCH
    }
}

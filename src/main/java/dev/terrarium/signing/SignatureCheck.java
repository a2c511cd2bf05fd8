package dev.terrarium.signing;

import dev.terrarium.registry.ImageReference;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;

/**
 * The checks on one signature, given its payload bytes: pure, so that every way a signature can
 * fail is tested without a registry.
 */
public final class SignatureCheck {

    private SignatureCheck() {}

    /**
     * Checks one signature of {@code image} (which carries the digest asked about): the base64 DER
     * signature must verify over {@code payload} with one of the trusted keys; then the payload
     * must be a cosign image signature whose digest is the image's, whose identity is the image's
     * repository and whose spec hash is {@code specHash}.
     */
    public static Verification check(
            ImageReference image,
            String specHash,
            Collection<TrustedKey> trusted,
            byte[] payload,
            String base64Signature) {
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(base64Signature);
        } catch (IllegalArgumentException e) {
            return new Verification.Rejected(
                    Verification.Reason.BAD_SIGNATURE, "the signature annotation is not base64");
        }
        Optional<TrustedKey> signer =
                trusted.stream().filter(key -> key.verifies(payload, signature)).findFirst();
        if (signer.isEmpty()) {
            return new Verification.Rejected(
                    Verification.Reason.BAD_SIGNATURE,
                    "a signature verifies with none of the " + trusted.size() + " trusted keys");
        }
        String keyId = signer.get().keyId();
        SimpleSigningPayload claims;
        try {
            claims = SimpleSigningPayload.parse(payload);
        } catch (IllegalArgumentException e) {
            return new Verification.Rejected(
                    Verification.Reason.INVALID_PAYLOAD,
                    "key "
                            + keyId
                            + " signed a payload that is not a cosign image signature: "
                            + e.getMessage());
        }
        if (!claims.manifestDigest().equals(image.digest())) {
            return new Verification.Rejected(
                    Verification.Reason.DIGEST_MISMATCH,
                    "key "
                            + keyId
                            + " signed digest "
                            + claims.manifestDigest()
                            + ", not "
                            + image.digest());
        }
        if (!claims.identifies(image)) {
            return new Verification.Rejected(
                    Verification.Reason.IDENTITY_MISMATCH,
                    "key "
                            + keyId
                            + " signed the image as "
                            + claims.dockerReference()
                            + ", not as "
                            + SimpleSigningPayload.identityOf(image));
        }
        Optional<String> signedHash = claims.specHash();
        if (signedHash.isEmpty() || !signedHash.get().equals(specHash)) {
            return new Verification.Rejected(
                    Verification.Reason.SPEC_HASH_MISMATCH,
                    "key "
                            + keyId
                            + " signed the image for spec hash "
                            + signedHash.orElse("(none)")
                            + ", not "
                            + specHash);
        }
        return new Verification.Verified(keyId);
    }

    /**
     * Of two outcomes, the one that says most: a verification, else the rejection that got further.
     */
    public static Verification better(Verification a, Verification b) {
        if (a == null) {
            return b;
        }
        if (a.verified() || b == null) {
            return a;
        }
        if (b.verified()) {
            return b;
        }
        return ((Verification.Rejected) b).reason().compareTo(((Verification.Rejected) a).reason())
                        > 0
                ? b
                : a;
    }
}

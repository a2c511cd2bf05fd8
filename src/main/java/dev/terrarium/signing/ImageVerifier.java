package dev.terrarium.signing;

import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RawManifest;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.registry.RegistryException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks an image's cosign signatures in the registry against trusted public keys, the spec hash
 * and the image's repository and digest, as {@code cosign verify --key <pub> -a
 * dev.terrarium/spec-hash=<hash>} does (plus the repository identity, which cosign leaves to policy
 * engines).
 *
 * <p>Reads are bounded, so a hostile signature manifest costs little: the manifest is read up to
 * the registry client's 4 MiB, more than {@value SignatureManifest#MAX_LAYERS} layers are refused
 * unread, at most {@value #MAX_SIGNATURES_CHECKED} signature layers are examined, and no payload
 * larger than {@value #MAX_PAYLOAD_BYTES} bytes is downloaded (a payload is a few hundred bytes).
 */
public final class ImageVerifier {

    /**
     * Largest payload downloaded; a larger declared or served one counts as an unusable signature.
     */
    public static final long MAX_PAYLOAD_BYTES = 64L * 1024;

    /**
     * Signature layers examined per image; key rotations add one each, so real manifests hold a
     * handful.
     */
    public static final int MAX_SIGNATURES_CHECKED = 64;

    private final RegistryClient registry;

    public ImageVerifier(RegistryClient registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Whether a signature by one of the trusted keys binds {@code image}'s repository and digest
     * (the image must name its sha256 digest) to {@code specHash}.
     *
     * @param credentials credentials that may pull from the image's repository
     * @return {@link Verification.Verified} with the key id, or {@link Verification.Rejected} with
     *     the reason
     * @throws RegistryException when the registry cannot be read: a transport failure, refused
     *     credentials, or a signature manifest beyond 4 MiB; the caller must not take that as
     *     verified either
     * @throws IllegalArgumentException when the image has no sha256 digest, the spec hash is blank
     *     or no key is trusted
     */
    public Verification verify(
            ImageReference image,
            String specHash,
            Collection<TrustedKey> trusted,
            Credentials credentials) {
        SimpleSigningPayload.forImage(image, specHash);
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("no trusted public key to verify signatures with");
        }
        List<TrustedKey> keys = List.copyOf(trusted);
        ImageReference signatures = image.withTag(SignatureManifest.tagFor(image.digest()));
        Optional<RawManifest> manifest =
                registry.getManifest(signatures, credentials, Long.MAX_VALUE);
        if (manifest.isEmpty()) {
            return new Verification.Rejected(
                    Verification.Reason.NO_SIGNATURE,
                    "no signature manifest " + signatures + " for " + image.digest());
        }
        SignatureManifest.Contents contents;
        try {
            contents = SignatureManifest.parse(manifest.get().content());
        } catch (IllegalArgumentException e) {
            return new Verification.Rejected(
                    Verification.Reason.INVALID_SIGNATURE_MANIFEST,
                    signatures + ": " + e.getMessage());
        }
        Verification best = null;
        int examined = 0;
        for (SignatureManifest.Layer layer : contents.layers()) {
            if (!layer.isSignature()) {
                continue;
            }
            if (examined++ == MAX_SIGNATURES_CHECKED) {
                break;
            }
            Verification outcome = check(image, specHash, keys, signatures, layer, credentials);
            if (outcome.verified()) {
                return outcome;
            }
            best = SignatureCheck.better(best, outcome);
        }
        if (best == null) {
            return new Verification.Rejected(
                    Verification.Reason.NO_SIGNATURE, signatures + " holds no cosign signature");
        }
        return best;
    }

    private Verification check(
            ImageReference image,
            String specHash,
            List<TrustedKey> keys,
            ImageReference signatures,
            SignatureManifest.Layer layer,
            Credentials credentials) {
        if (layer.size() > MAX_PAYLOAD_BYTES) {
            return new Verification.Rejected(
                    Verification.Reason.INVALID_SIGNATURE_MANIFEST,
                    "payload "
                            + layer.digest()
                            + " of "
                            + signatures
                            + " is declared "
                            + layer.size()
                            + " bytes, more than "
                            + MAX_PAYLOAD_BYTES
                            + "; not read");
        }
        byte[] payload;
        try {
            payload = registry.getBlob(signatures, credentials, layer.digest(), MAX_PAYLOAD_BYTES);
        } catch (RegistryException e) {
            if (e.isAuthenticationFailure()) {
                throw e;
            }
            return new Verification.Rejected(
                    Verification.Reason.INVALID_SIGNATURE_MANIFEST,
                    "payload "
                            + layer.digest()
                            + " of "
                            + signatures
                            + " cannot be used: "
                            + e.getMessage());
        } catch (IllegalArgumentException e) {
            return new Verification.Rejected(
                    Verification.Reason.INVALID_SIGNATURE_MANIFEST,
                    "payload "
                            + layer.digest()
                            + " of "
                            + signatures
                            + " has an unsupported digest");
        }
        return SignatureCheck.check(
                image, specHash, keys, payload, layer.base64Signature().orElseThrow());
    }
}

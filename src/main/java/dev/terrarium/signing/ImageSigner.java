package dev.terrarium.signing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RawManifest;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.registry.RegistryException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Signs images in the registry the way {@code cosign sign --key} does: the simple-signing payload,
 * signed with the operator's key, added as a layer to the image's {@code sha256-<hex>.sig} manifest
 * in the image's repository.
 *
 * <p>Signatures already there stay (old keys keep verifying after a rotation, and other signers'
 * signatures are not touched); signing the same payload again with the same key adds nothing, as
 * cosign's duplicate detection does. Two signers writing the same signature manifest at once can
 * lose one signature (the registry has no compare-and-set), so one process signs: the operator's
 * leader.
 */
public final class ImageSigner {

    /** What signing did to the signature manifest. */
    public enum Outcome {
        /** A signature layer was added (to a new manifest, or after the existing signatures). */
        ADDED,
        /** The same payload was already signed with the same key: nothing was written. */
        ALREADY_SIGNED,
        /**
         * The existing signature manifest could not be kept (malformed, or already at cosign's 1000
         * layers) and was replaced by one holding only the new signature.
         */
        REPLACED
    }

    /**
     * What signing wrote.
     *
     * @param signatures the signature manifest's reference, {@code <repository>:sha256-<hex>.sig}
     * @param manifestDigest the signature manifest's digest after signing
     * @param outcome what happened to the manifest
     * @param signatureCount the layers the manifest now has
     */
    public record Result(
            ImageReference signatures,
            String manifestDigest,
            Outcome outcome,
            int signatureCount) {}

    private final RegistryClient registry;

    public ImageSigner(RegistryClient registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Signs {@code image} (which must name its sha256 digest) for {@code specHash}.
     *
     * @param credentials credentials that may push to the image's repository
     * @throws RegistryException when reading or writing the signature manifest fails; a partly
     *     written signature (blobs without the manifest) is harmless and completed by the next
     *     attempt
     * @throws IllegalArgumentException when the image has no sha256 digest or the spec hash is
     *     blank
     */
    public Result sign(
            ImageReference image, String specHash, SigningKey key, Credentials credentials) {
        byte[] payload = SimpleSigningPayload.forImage(image, specHash).toBytes();
        String payloadDigest = SignatureManifest.sha256(payload);
        ImageReference signatures = image.withTag(SignatureManifest.tagFor(image.digest()));
        Optional<RawManifest> existing =
                registry.getManifest(signatures, credentials, Long.MAX_VALUE);

        List<SignatureManifest.Layer> layers = new ArrayList<>();
        ObjectNode annotations = null;
        Outcome outcome = Outcome.ADDED;
        if (existing.isPresent()) {
            try {
                SignatureManifest.Contents contents =
                        SignatureManifest.parse(existing.get().content());
                for (SignatureManifest.Layer layer : contents.layers()) {
                    if (layer.isSignature()
                            && layer.digest().equals(payloadDigest)
                            && signs(key, payload, layer.base64Signature().orElseThrow())) {
                        return new Result(
                                signatures,
                                existing.get().digest(),
                                Outcome.ALREADY_SIGNED,
                                contents.layers().size());
                    }
                }
                if (contents.layers().size() < SignatureManifest.MAX_LAYERS) {
                    layers.addAll(contents.layers());
                    annotations = contents.annotations();
                } else {
                    outcome = Outcome.REPLACED;
                }
            } catch (IllegalArgumentException e) {
                outcome = Outcome.REPLACED;
            }
        }
        layers.add(SignatureManifest.signatureLayer(payload, key.sign(payload)));
        SignatureManifest.Written written = SignatureManifest.write(layers, annotations);
        registry.pushBlob(signatures, credentials, payload);
        registry.pushBlob(signatures, credentials, written.config());
        String digest =
                registry.putManifest(
                        signatures,
                        credentials,
                        SignatureManifest.OCI_MANIFEST,
                        written.manifest());
        return new Result(signatures, digest, outcome, layers.size());
    }

    private static boolean signs(SigningKey key, byte[] payload, String base64Signature) {
        try {
            return key.publicKey().verifies(payload, Base64.getDecoder().decode(base64Signature));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

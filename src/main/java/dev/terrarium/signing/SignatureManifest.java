package dev.terrarium.signing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The OCI image manifest in which cosign stores an image's signatures, tagged {@code
 * sha256-<hex>.sig} beside the image: one layer per signature, whose blob is the payload and whose
 * annotation holds the base64 signature.
 *
 * <p>The layout follows cosign v2.6 as read in its source: the manifest starts from
 * go-containerregistry's empty image with the OCI manifest and config media types ({@code
 * pkg/oci/empty/empty.go}); each signature is a layer of media type {@code
 * application/vnd.dev.cosign.simplesigning.v1+json} ({@code pkg/oci/static/options.go}, {@code
 * pkg/types/media.go}) whose descriptor carries {@code dev.cosignproject.cosign/signature} ({@code
 * pkg/oci/static/signature.go}); new signatures are appended to the existing ones ({@code
 * pkg/oci/mutate/signatures.go}, which also refuses more than 1000 layers, as {@code
 * pkg/oci/remote/signatures.go} does when reading). The config blob is what go-containerregistry's
 * {@code mutate.Append} computes from the empty image: empty architecture and os, a zero creation
 * time, one empty history entry and one diff id (the payload's digest, payloads being uncompressed)
 * per layer. Verifiers read only the layers; the config is written so that the manifest is the one
 * cosign would write for the same signatures.
 */
public final class SignatureManifest {

    /** Media type of the manifest. */
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    /** Media type of its config blob. */
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

    /** Media type of a signature layer, whose blob is a simple-signing payload. */
    public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";

    /** Annotation of a signature layer holding the base64 DER signature. */
    public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

    /** cosign's bound on the layers of a signature manifest, for writing and for reading. */
    public static final int MAX_LAYERS = 1000;

    private static final Set<String> IMAGE_MANIFEST_TYPES =
            Set.of(OCI_MANIFEST, "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern SHA256_DIGEST = Pattern.compile("sha256:([a-f0-9]{64})");
    private static final Pattern DIGEST =
            Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}");
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * One layer of a signature manifest as its descriptor says.
     *
     * @param mediaType the layer's media type, or {@code null}
     * @param digest the blob's digest
     * @param size the blob's size as declared
     * @param annotations string annotations of the descriptor
     * @param descriptor the descriptor as it was read, kept verbatim when the manifest is written
     *     again
     */
    public record Layer(
            String mediaType,
            String digest,
            long size,
            Map<String, String> annotations,
            ObjectNode descriptor) {

        /**
         * Whether the layer is a cosign signature: a simple-signing payload with a signature
         * annotation.
         */
        public boolean isSignature() {
            return SIMPLE_SIGNING.equals(mediaType)
                    && annotations.containsKey(SIGNATURE_ANNOTATION);
        }

        /** The base64 signature of the annotation, if there is one. */
        public Optional<String> base64Signature() {
            return Optional.ofNullable(annotations.get(SIGNATURE_ANNOTATION));
        }
    }

    /**
     * The manifest's layers and the manifest's own annotations (which are kept when a layer is
     * added).
     *
     * @param layers the layers, in manifest order
     * @param annotations the manifest's annotations object, or {@code null}
     */
    public record Contents(List<Layer> layers, ObjectNode annotations) {
        public Contents {
            layers = List.copyOf(layers);
        }
    }

    /**
     * The manifest and config blob to push.
     *
     * @param manifest the manifest's bytes
     * @param config the config blob, which the manifest refers to; both are pushed as they are,
     *     never compared
     */
    @SuppressWarnings("ArrayRecordComponent")
    public record Written(byte[] manifest, byte[] config) {}

    private SignatureManifest() {}

    /**
     * The tag that holds the signatures of a manifest digest: {@code sha256:<hex>} becomes {@code
     * sha256-<hex>.sig}.
     */
    public static String tagFor(String digest) {
        var matcher = SHA256_DIGEST.matcher(digest == null ? "" : digest);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        return "sha256-" + matcher.group(1) + ".sig";
    }

    /** A new signature layer for a payload and its DER signature. */
    public static Layer signatureLayer(byte[] payload, byte[] signature) {
        String base64 = java.util.Base64.getEncoder().encodeToString(signature);
        ObjectNode descriptor = JSON.createObjectNode();
        descriptor.put("mediaType", SIMPLE_SIGNING);
        descriptor.put("size", payload.length);
        descriptor.put("digest", sha256(payload));
        descriptor.putObject("annotations").put(SIGNATURE_ANNOTATION, base64);
        return new Layer(
                SIMPLE_SIGNING,
                sha256(payload),
                payload.length,
                Map.of(SIGNATURE_ANNOTATION, base64),
                descriptor);
    }

    /**
     * Reads a signature manifest.
     *
     * @throws IllegalArgumentException when it is not an image manifest, has more than {@link
     *     #MAX_LAYERS} layers or a layer descriptor without a valid digest
     */
    public static Contents parse(byte[] manifest) {
        JsonNode root;
        try {
            root = JSON.readTree(manifest);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "the signature manifest is not valid JSON without duplicate keys");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the signature manifest is not a JSON object");
        }
        JsonNode mediaType = root.path("mediaType");
        if (!mediaType.isMissingNode() && !IMAGE_MANIFEST_TYPES.contains(mediaType.asText())) {
            throw new IllegalArgumentException(
                    "the signature manifest has media type "
                            + mediaType.asText()
                            + ", not an image manifest's");
        }
        JsonNode layers = root.path("layers");
        if (!layers.isArray()) {
            throw new IllegalArgumentException("the signature manifest has no layers array");
        }
        if (layers.size() > MAX_LAYERS) {
            throw new IllegalArgumentException(
                    "the signature manifest has "
                            + layers.size()
                            + " layers, more than "
                            + MAX_LAYERS);
        }
        List<Layer> parsed = new ArrayList<>(layers.size());
        for (JsonNode layer : layers) {
            parsed.add(layer(layer));
        }
        JsonNode annotations = root.path("annotations");
        return new Contents(parsed, annotations.isObject() ? (ObjectNode) annotations : null);
    }

    /**
     * The manifest and config for these layers, in this order, keeping the manifest annotations
     * given. Equal inputs give equal bytes.
     *
     * @throws IllegalArgumentException when there are no layers or more than {@link #MAX_LAYERS}
     */
    public static Written write(List<Layer> layers, ObjectNode manifestAnnotations) {
        if (layers.isEmpty() || layers.size() > MAX_LAYERS) {
            throw new IllegalArgumentException(
                    "a signature manifest has 1 to "
                            + MAX_LAYERS
                            + " layers, not "
                            + layers.size());
        }
        StringBuilder config =
                new StringBuilder(
                        "{\"architecture\":\"\",\"created\":\"" + ZERO_TIME + "\",\"history\":[");
        StringBuilder diffIds = new StringBuilder();
        for (int i = 0; i < layers.size(); i++) {
            String separator = i == 0 ? "" : ",";
            config.append(separator).append("{\"created\":\"").append(ZERO_TIME).append("\"}");
            diffIds.append(separator).append('"').append(layers.get(i).digest()).append('"');
        }
        config.append("],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[")
                .append(diffIds)
                .append("]},\"config\":{}}");
        byte[] configBytes = config.toString().getBytes(StandardCharsets.UTF_8);

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OCI_MANIFEST);
        ObjectNode configDescriptor = manifest.putObject("config");
        configDescriptor.put("mediaType", OCI_CONFIG);
        configDescriptor.put("size", configBytes.length);
        configDescriptor.put("digest", sha256(configBytes));
        ArrayNode layerArray = manifest.putArray("layers");
        layers.forEach(layer -> layerArray.add(layer.descriptor()));
        if (manifestAnnotations != null && !manifestAnnotations.isEmpty()) {
            manifest.set("annotations", manifestAnnotations);
        }
        try {
            return new Written(JSON.writeValueAsBytes(manifest), configBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] content) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }

    private static Layer layer(JsonNode descriptor) {
        if (!descriptor.isObject()) {
            throw new IllegalArgumentException(
                    "a layer of the signature manifest is not a JSON object");
        }
        String digest = descriptor.path("digest").asText("");
        if (!DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException(
                    "a layer of the signature manifest has no valid digest");
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        descriptor
                .path("annotations")
                .fields()
                .forEachRemaining(
                        entry -> {
                            if (entry.getValue().isTextual()) {
                                annotations.put(entry.getKey(), entry.getValue().asText());
                            }
                        });
        JsonNode mediaType = descriptor.path("mediaType");
        return new Layer(
                mediaType.isTextual() ? mediaType.asText() : null,
                digest,
                descriptor.path("size").canConvertToLong() ? descriptor.path("size").asLong() : -1,
                Collections.unmodifiableMap(annotations),
                (ObjectNode) descriptor);
    }
}

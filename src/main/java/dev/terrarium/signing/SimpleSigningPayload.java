package dev.terrarium.signing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.registry.ImageReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The payload cosign signs for a container image: Red Hat's "simple signing" JSON, {@code
 * {"critical":{"identity":
 * {"docker-reference":"<repository>"},"image":{"docker-manifest-digest":"sha256:<hex>"},"type":"cosign
 * container image signature"},"optional":{...}}} (sigstore/sigstore {@code
 * pkg/signature/payload/payload.go}).
 *
 * <p>A cosign signature binds a repository and a manifest digest, never a tag. Terrarium adds the
 * spec hash under {@link #SPEC_HASH} in {@code optional}, so a signed image found under another
 * hash's tag does not pass for that hash; {@code cosign verify -a dev.terrarium/spec-hash=<hash>}
 * checks the same claim.
 *
 * <p>{@link #toBytes()} writes exactly what Go's {@code encoding/json} writes for the same values
 * (keys sorted, no spaces, the same escapes), so the payload is deterministic and equal to cosign's
 * own for the same annotations.
 *
 * @param dockerReference the repository the signer claims, as go-containerregistry names it ({@code
 *     index.docker.io/library/python}, {@code 127.0.0.1:5000/team/env})
 * @param manifestDigest the signed manifest's digest
 * @param optional the {@code optional} section's string entries, sorted by key
 */
public record SimpleSigningPayload(
        String dockerReference, String manifestDigest, Map<String, String> optional) {

    /** The value of {@code critical.type} in every cosign image signature. */
    public static final String COSIGN_SIGNATURE_TYPE = "cosign container image signature";

    /**
     * The {@code optional} key under which Terrarium records the spec hash an image was built for.
     */
    public static final String SPEC_HASH = "dev.terrarium/spec-hash";

    /**
     * The {@code optional} key naming the software that signed, as in containers/image signatures.
     */
    public static final String CREATOR = "creator";

    /** The creator Terrarium writes. */
    public static final String TERRARIUM = "terrarium-operator";

    private static final Pattern SHA256_DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final String GO_REGISTRY_DOCKER_HUB = "index.docker.io";
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    public SimpleSigningPayload {
        Objects.requireNonNull(dockerReference, "dockerReference");
        Objects.requireNonNull(manifestDigest, "manifestDigest");
        optional = Collections.unmodifiableMap(new TreeMap<>(optional));
    }

    /**
     * Terrarium's payload for {@code image} (which must carry a sha256 digest): its repository as
     * identity, its digest, the spec hash and the creator.
     */
    public static SimpleSigningPayload forImage(ImageReference image, String specHash) {
        if (image.digest() == null || !SHA256_DIGEST.matcher(image.digest()).matches()) {
            throw new IllegalArgumentException(
                    "a signature names an image by its sha256 digest: " + image);
        }
        if (specHash == null || specHash.isBlank()) {
            throw new IllegalArgumentException("a Terrarium signature needs the spec hash");
        }
        return new SimpleSigningPayload(
                identityOf(image), image.digest(), Map.of(CREATOR, TERRARIUM, SPEC_HASH, specHash));
    }

    /**
     * The repository as cosign writes it into {@code docker-reference}: go-containerregistry's
     * {@code Repository.Name()}, which spells Docker Hub {@code index.docker.io}.
     */
    public static String identityOf(ImageReference image) {
        String registry =
                image.registry().equals(ImageReference.DOCKER_HUB)
                        ? GO_REGISTRY_DOCKER_HUB
                        : image.registry();
        return registry + "/" + image.repository();
    }

    /**
     * Whether {@link #dockerReference()} names the repository of {@code image}, however either
     * spells the registry.
     */
    public boolean identifies(ImageReference image) {
        ImageReference claimed;
        try {
            claimed = ImageReference.parse(dockerReference);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return claimed.registry().equals(image.registry())
                && claimed.repository().equals(image.repository());
    }

    /** The spec hash in {@code optional}, if there is one. */
    public Optional<String> specHash() {
        return Optional.ofNullable(optional.get(SPEC_HASH));
    }

    /**
     * The payload's bytes: compact JSON with sorted keys, as Go's {@code json.Marshal} writes it.
     */
    public byte[] toBytes() {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"critical\":{\"identity\":{\"docker-reference\":");
        goString(json, dockerReference);
        json.append("},\"image\":{\"docker-manifest-digest\":");
        goString(json, manifestDigest);
        json.append("},\"type\":");
        goString(json, COSIGN_SIGNATURE_TYPE);
        json.append("},\"optional\":");
        if (optional.isEmpty()) {
            json.append("null");
        } else {
            json.append('{');
            Iterator<Map.Entry<String, String>> entries = optional.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<String, String> entry = entries.next();
                goString(json, entry.getKey());
                json.append(':');
                goString(json, entry.getValue());
                if (entries.hasNext()) {
                    json.append(',');
                }
            }
            json.append('}');
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a payload. Keys may come in any order; a key given twice is refused, so no reader can
     * see another value than this one. Entries of {@code optional} that are not strings are left
     * out.
     *
     * @throws IllegalArgumentException when the bytes are not such a payload: not JSON, a duplicate
     *     key, a missing field, or another {@code critical.type}
     */
    public static SimpleSigningPayload parse(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "the payload is not valid JSON without duplicate keys: "
                            + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("the payload is not valid JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the payload is not a JSON object");
        }
        JsonNode critical = root.path("critical");
        String type = text(critical.path("type"), "critical.type");
        if (!COSIGN_SIGNATURE_TYPE.equals(type)) {
            throw new IllegalArgumentException(
                    "the payload's critical.type is '"
                            + type
                            + "', not '"
                            + COSIGN_SIGNATURE_TYPE
                            + "'");
        }
        String reference =
                text(
                        critical.path("identity").path("docker-reference"),
                        "critical.identity.docker-reference");
        String digest =
                text(
                        critical.path("image").path("docker-manifest-digest"),
                        "critical.image.docker-manifest-digest");
        Map<String, String> optional = new TreeMap<>();
        JsonNode optionalNode = root.path("optional");
        if (optionalNode.isObject()) {
            optionalNode
                    .fields()
                    .forEachRemaining(
                            entry -> {
                                if (entry.getValue().isTextual()) {
                                    optional.put(entry.getKey(), entry.getValue().asText());
                                }
                            });
        }
        return new SimpleSigningPayload(reference, digest, optional);
    }

    private static String text(JsonNode node, String field) {
        if (!node.isTextual()) {
            throw new IllegalArgumentException("the payload has no string " + field);
        }
        return node.asText();
    }

    /**
     * A JSON string as Go's {@code encoding/json} escapes it (Go 1.22 and later): quotes,
     * backslashes and control characters, {@code <}, {@code >} and {@code &} (for HTML safety),
     * U+2028 and U+2029; a lone surrogate, which UTF-8 cannot hold, becomes U+FFFD as Go writes
     * invalid UTF-8.
     */
    static void goString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '<', '>', '&', '\u2028', '\u2029' ->
                        out.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c)
                            && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append("\\ufffd");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

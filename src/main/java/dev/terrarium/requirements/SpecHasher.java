package dev.terrarium.requirements;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrarium.api.BuildSettings;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.ResolvedEnvironment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The content hash of a build: SHA-256, in lower-case hex, of the canonical JSON of {@code
 * {"builder": "<strategy>@<builder image>", "environment": <resolved environment>, "generator":
 * <generator>}}. Canonical JSON has object keys sorted, no insignificant whitespace, and lists in
 * the order normalisation gave them. The generator version changes whenever the generated build
 * files change, so that a new generator never reuses images built by an old one.
 */
public final class SpecHasher {

    /** The version of the build-file generator that the hash covers by default. */
    public static final String GENERATOR = "terrarium-build/4";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String generator;

    public SpecHasher() {
        this(GENERATOR);
    }

    public SpecHasher(String generator) {
        this.generator = Objects.requireNonNull(generator, "generator");
    }

    /**
     * The hash of a build as its ImageBuild describes it. The builder is the builder image plus
     * what else shapes the image besides the environment: the uv version of venv builds, the conda
     * image and channel settings of conda builds, so that a change to any of them builds anew.
     */
    public String hash(ResolvedEnvironment environment, BuildSettings build) {
        Objects.requireNonNull(build, "build");
        String builder =
                build.getBuilderImage()
                        + (build.getUvVersion() == null ? "" : " uv/" + build.getUvVersion())
                        + (build.getCondaImage() == null
                                ? ""
                                : " conda/"
                                        + build.getCondaImage()
                                        + " priority/"
                                        + build.getChannelPriority())
                        + (build.getChannelAlias() == null
                                ? ""
                                : " alias/" + build.getChannelAlias());
        return hash(environment, build.getStrategy(), builder);
    }

    /** The 64-character hex hash. */
    public String hash(
            ResolvedEnvironment environment, BuildStrategy strategy, String builderImage) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(
                                    canonicalJson(environment, strategy, builderImage)
                                            .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The exact text that is hashed. */
    public String canonicalJson(
            ResolvedEnvironment environment, BuildStrategy strategy, String builderImage) {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(builderImage, "builderImage");
        ObjectNode input = JSON.createObjectNode();
        input.put("generator", generator);
        input.put("builder", strategy.value() + "@" + builderImage);
        input.set("environment", JSON.valueToTree(environment));
        try {
            return JSON.writeValueAsString(sortedKeys(input));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static JsonNode sortedKeys(JsonNode node) {
        if (node.isObject()) {
            ObjectNode sorted = JSON.createObjectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(String::compareTo);
            for (String name : names) {
                sorted.set(name, sortedKeys(node.get(name)));
            }
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode array = JSON.createArrayNode();
            node.forEach(element -> array.add(sortedKeys(element)));
            return array;
        }
        return node;
    }
}

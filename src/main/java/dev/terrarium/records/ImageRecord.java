package dev.terrarium.records;

import dev.terrarium.naming.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the operator itself built: in {@code repository}, the image for {@code specHash} has
 * manifest digest {@code digest}. Kept as one ConfigMap per repository and hash in the operator's
 * own namespace, which tenants cannot write, and trusted over any registry tag. Pure.
 *
 * @param repository the image repository, as in an ImageBuild's {@code spec.repository}
 * @param specHash the content hash the image was built for
 * @param digest the manifest digest the build pushed, {@code sha256:<hex>}
 */
public record ImageRecord(String repository, String specHash, String digest) {

    /** Label of every record ConfigMap, so that they can be listed apart from the rest. */
    public static final String LABEL = "terrarium.dev/image-record";

    static final String REPOSITORY = "repository";
    static final String SPEC_HASH = "specHash";
    static final String DIGEST = "digest";

    private static final String NAME_PREFIX = "terrarium-image-";
    private static final Pattern SHA256_DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

    public ImageRecord {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(specHash, "specHash");
        if (digest == null || !SHA256_DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("a record names a sha256 digest, not " + digest);
        }
    }

    /**
     * The record ConfigMap's name: a hash of repository and spec hash, so that any repository (up
     * to 255 characters, with slashes and a port) gives a valid, fixed-length name.
     */
    public static String configMapName(String repository, String specHash) {
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256")
                            .digest(
                                    (repository + "\n" + specHash)
                                            .getBytes(StandardCharsets.UTF_8));
            return NAME_PREFIX + HexFormat.of().formatHex(hash).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public String configMapName() {
        return configMapName(repository, specHash);
    }

    public ConfigMap toConfigMap(String namespace) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(configMapName())
                .withNamespace(namespace)
                .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                .addToLabels(LABEL, "true")
                .endMetadata()
                .withData(Map.of(REPOSITORY, repository, SPEC_HASH, specHash, DIGEST, digest))
                .build();
    }

    /**
     * The record a ConfigMap holds for {@code repository} and {@code specHash}; empty when it holds
     * another one (a name collision) or is not a whole record.
     */
    public static Optional<ImageRecord> fromConfigMap(
            ConfigMap configMap, String repository, String specHash) {
        Map<String, String> data = configMap == null ? null : configMap.getData();
        if (data == null
                || !repository.equals(data.get(REPOSITORY))
                || !specHash.equals(data.get(SPEC_HASH))) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ImageRecord(repository, specHash, data.get(DIGEST)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

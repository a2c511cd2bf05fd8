package dev.terrarium.records;

import dev.terrarium.naming.Labels;
import dev.terrarium.signing.SigningKey;
import dev.terrarium.signing.TrustedKey;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The operator's signing key as a Secret, and its public keys as a ConfigMap that anyone may read
 * (cosign's {@code --key}, an admission policy's key): the current key under {@value
 * #CURRENT_PUBLIC_KEY}, and every key that ever signed under {@code key-<key id>.pub}, kept after a
 * rotation so that the images it signed keep verifying. Pure.
 */
public final class KeyMaterial {

    /** The Secret the leader creates when none is configured. */
    public static final String GENERATED_SECRET = "terrarium-signing-key";

    /** The ConfigMap of public keys. */
    public static final String PUBLIC_KEYS = "terrarium-signing-keys";

    /** The current public key in {@link #PUBLIC_KEYS}, as cosign's {@code cosign.pub}. */
    public static final String CURRENT_PUBLIC_KEY = "cosign.pub";

    static final String PRIVATE_KEY = "private-key.pem";
    static final String PUBLIC_KEY = "public-key.pem";
    private static final String KEY_PREFIX = "key-";
    private static final String KEY_SUFFIX = ".pub";

    private KeyMaterial() {}

    public static Secret toSecret(SigningKey key, String namespace) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(GENERATED_SECRET)
                .withNamespace(namespace)
                .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                .endMetadata()
                .withType("Opaque")
                .withData(
                        Map.of(
                                PRIVATE_KEY, base64(key.privateKeyPem()),
                                PUBLIC_KEY, base64(key.publicKeyPem())))
                .build();
    }

    /**
     * The key a Secret holds.
     *
     * @throws IllegalArgumentException naming the Secret and the missing or unusable entry, never
     *     its content
     */
    public static SigningKey fromSecret(Secret secret) {
        String name = secret.getMetadata().getName();
        String privatePem = entry(secret, PRIVATE_KEY);
        String publicPem = entry(secret, PUBLIC_KEY);
        try {
            return SigningKey.fromPem(privatePem, publicPem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Secret "
                            + name
                            + " does not hold a P-256 key pair in "
                            + PRIVATE_KEY
                            + " and "
                            + PUBLIC_KEY,
                    e);
        }
    }

    private static String entry(Secret secret, String key) {
        Map<String, String> data = secret.getData();
        String value = data == null ? null : data.get(key);
        if (value == null) {
            Map<String, String> plain = secret.getStringData();
            String text = plain == null ? null : plain.get(key);
            if (text != null) {
                return text;
            }
            throw new IllegalArgumentException(
                    "Secret " + secret.getMetadata().getName() + " has no " + key);
        }
        return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }

    /**
     * The published public keys with {@code current} added as the current one, or empty when they
     * already say so: keys published before stay.
     */
    public static Optional<ConfigMap> publish(
            ConfigMap existing, TrustedKey current, String namespace) {
        Map<String, String> data = new TreeMap<>();
        if (existing != null && existing.getData() != null) {
            data.putAll(existing.getData());
        }
        String entry = KEY_PREFIX + current.keyId() + KEY_SUFFIX;
        if (current.pem().equals(data.get(CURRENT_PUBLIC_KEY))
                && current.pem().equals(data.get(entry))) {
            return Optional.empty();
        }
        data.put(CURRENT_PUBLIC_KEY, current.pem());
        data.put(entry, current.pem());
        return Optional.of(
                new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName(PUBLIC_KEYS)
                        .withNamespace(namespace)
                        .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                        .endMetadata()
                        .withData(data)
                        .build());
    }

    /** Every public key the ConfigMap publishes; entries that are not P-256 keys are left out. */
    public static List<TrustedKey> trusted(ConfigMap published) {
        List<TrustedKey> keys = new ArrayList<>();
        if (published == null || published.getData() == null) {
            return keys;
        }
        published.getData().values().stream()
                .distinct()
                .forEach(
                        pem -> {
                            try {
                                TrustedKey key = TrustedKey.fromPem(pem);
                                if (!keys.contains(key)) {
                                    keys.add(key);
                                }
                            } catch (IllegalArgumentException e) {
                                // Not a key of ours: it verifies nothing.
                            }
                        });
        return keys;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}

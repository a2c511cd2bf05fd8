package dev.terrarium.records;

import dev.terrarium.operator.TerrariumConfig;
import dev.terrarium.signing.SigningKey;
import dev.terrarium.signing.TrustedKey;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Optional;

/**
 * The operator's signing key and published public keys ({@link KeyMaterial}) in the records
 * namespace. Only reconcilers call it, and they run on the leader alone, so only the leader creates
 * the key; two operators racing to create it both end with the one the API server kept.
 */
@ApplicationScoped
public class OperatorKeys {

    private final KubernetesClient client;
    private final String namespace;
    private final Optional<String> configuredSecret;

    public OperatorKeys(KubernetesClient client, TerrariumConfig config) {
        this.client = client;
        this.namespace = ImageRecordStore.namespace(config);
        this.configuredSecret = config.signing().keySecret().filter(s -> !s.isBlank());
    }

    /**
     * The key to sign with, created when none is configured and none exists yet; its public key is
     * published.
     *
     * @throws IllegalStateException when the configured Secret is missing or holds no usable key
     */
    public SigningKey signingKey() {
        String name = configuredSecret.orElse(KeyMaterial.GENERATED_SECRET);
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null && configuredSecret.isPresent()) {
            throw new IllegalStateException(
                    "the signing key Secret "
                            + namespace
                            + "/"
                            + name
                            + " (terrarium.signing.key-secret) does not exist");
        }
        if (secret == null) {
            secret = create();
        }
        SigningKey key;
        try {
            key = KeyMaterial.fromSecret(secret);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the signing key Secret " + namespace + "/" + name + ": " + e.getMessage(), e);
        }
        publish(key.publicKey());
        return key;
    }

    /** Every published public key; none before the first signature. */
    public List<TrustedKey> trusted() {
        return KeyMaterial.trusted(
                client.configMaps().inNamespace(namespace).withName(KeyMaterial.PUBLIC_KEYS).get());
    }

    private Secret create() {
        try {
            return client.resource(KeyMaterial.toSecret(SigningKey.generate(), namespace)).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            return client.secrets()
                    .inNamespace(namespace)
                    .withName(KeyMaterial.GENERATED_SECRET)
                    .get();
        }
    }

    private void publish(TrustedKey key) {
        ConfigMap existing =
                client.configMaps().inNamespace(namespace).withName(KeyMaterial.PUBLIC_KEYS).get();
        KeyMaterial.publish(existing, key, namespace)
                .ifPresent(
                        published -> {
                            if (existing == null) {
                                client.resource(published).create();
                            } else {
                                published
                                        .getMetadata()
                                        .setResourceVersion(
                                                existing.getMetadata().getResourceVersion());
                                client.resource(published).update();
                            }
                        });
    }
}

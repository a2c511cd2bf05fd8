package dev.terrarium.testing;

import dev.terrarium.records.KeyMaterial;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.signing.ImageSigner;
import dev.terrarium.signing.SigningKey;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;

/**
 * The signing key and published public key of the operator under test, read as an administrator
 * from its namespace: to sign an image as the operator would have (one it built, whose record is
 * elsewhere), and to give independent verifiers the key it publishes.
 */
public final class OperatorKey {

    private OperatorKey() {}

    /**
     * The operator's key. The operator creates it at its first signature; a test that needs it
     * before any build of the run has succeeded makes it the way the operator would (the Secret,
     * then its public key published), and the operator then signs with it, as with a key given to
     * it.
     */
    public static SigningKey signingKey(LocalControlPlane plane) {
        KubernetesClient admin = plane.adminClient();
        Secret secret =
                admin.secrets()
                        .inNamespace(OperatorIdentity.NAMESPACE)
                        .withName(KeyMaterial.GENERATED_SECRET)
                        .get();
        if (secret == null) {
            try {
                admin.resource(
                                KeyMaterial.toSecret(
                                        SigningKey.generate(), OperatorIdentity.NAMESPACE))
                        .create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
            }
            secret =
                    admin.secrets()
                            .inNamespace(OperatorIdentity.NAMESPACE)
                            .withName(KeyMaterial.GENERATED_SECRET)
                            .get();
        }
        SigningKey key = KeyMaterial.fromSecret(secret);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptionsInstanceOf(KubernetesClientException.class)
                .until(() -> published(admin, key));
        return key;
    }

    /** Publishes the key's public half unless it is already; true once it is. */
    private static boolean published(KubernetesClient admin, SigningKey key) {
        ConfigMap existing =
                admin.configMaps()
                        .inNamespace(OperatorIdentity.NAMESPACE)
                        .withName(KeyMaterial.PUBLIC_KEYS)
                        .get();
        Optional<ConfigMap> wanted =
                KeyMaterial.publish(existing, key.publicKey(), OperatorIdentity.NAMESPACE);
        if (wanted.isEmpty()) {
            return true;
        }
        if (existing == null) {
            admin.resource(wanted.get()).create();
        } else {
            wanted.get()
                    .getMetadata()
                    .setResourceVersion(existing.getMetadata().getResourceVersion());
            admin.resource(wanted.get()).update();
        }
        return false;
    }

    /** The public key the operator publishes as {@code cosign.pub}. */
    public static String publishedPem(LocalControlPlane plane) {
        ConfigMap published =
                plane.adminClient()
                        .configMaps()
                        .inNamespace(OperatorIdentity.NAMESPACE)
                        .withName(KeyMaterial.PUBLIC_KEYS)
                        .get();
        return published.getData().get(KeyMaterial.CURRENT_PUBLIC_KEY);
    }

    /** Signs {@code image} (by digest) for {@code specHash} with the operator's key. */
    public static void sign(
            LocalControlPlane plane,
            ImageReference image,
            String specHash,
            Credentials credentials) {
        new ImageSigner(new RegistryClient(Set.of(image.registry())))
                .sign(image, specHash, signingKey(plane), credentials);
    }
}

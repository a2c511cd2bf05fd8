package dev.terrarium.registry;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.builder.BuildPlacement;
import dev.terrarium.operator.TerrariumConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;

/**
 * The registry as ImageBuilds see it: their target repository, with the credentials of their push
 * secret, reached through the builds' proxy settings ({@link ProxyRoutes}) as the builds reach it.
 * An Environment's tags go through its current build, into the same repository with the same
 * credentials.
 */
@ApplicationScoped
public class RegistryAccess {

    /**
     * Where the build writes the resolved lock inside the image (BuildContextGenerator.LOCK_FILE,
     * without /).
     */
    static final String LOCK_PATH = "opt/terrarium/lock";

    static final String PYLOCK_PATH = "opt/terrarium/pylock.toml";

    private final RegistryClient registry;
    private final KubernetesClient kubernetes;
    private final BuildPlacement placement;

    public RegistryAccess(
            TerrariumConfig config, KubernetesClient kubernetes, BuildPlacement placement) {
        ProxyRoutes proxies =
                new ProxyRoutes(
                        config.builds().httpProxy().orElse(null),
                        config.builds().httpsProxy().orElse(null),
                        config.builds().noProxy().orElse(null));
        this.registry =
                new RegistryClient(
                        new HashSet<>(config.registry().insecure()),
                        config.registry()
                                .caFile()
                                .map(file -> TrustedCertificates.sslContext(Path.of(file)))
                                .orElse(null),
                        proxies.proxied() ? proxies : null);
        this.kubernetes = kubernetes;
        this.placement = placement;
    }

    /** The digest of repository:specHash when the registry has it. */
    public Optional<String> existingDigest(ImageBuild build) {
        ImageReference target = ImageReference.parse(build.getSpec().target());
        return registry.manifestDigest(target, credentials(build, target));
    }

    /** The image of the build in its repository, by digest. */
    public static ImageReference image(ImageBuild build, String digest) {
        return ImageReference.parse(build.getSpec().getRepository() + "@" + digest);
    }

    /**
     * The client and the credentials of the build's push secret for its repository, for signing and
     * verifying its image.
     */
    public RegistryClient client() {
        return registry;
    }

    public Credentials credentialsFor(ImageBuild build) {
        return credentials(build, ImageReference.parse(build.getSpec().target()));
    }

    /** The lock that the build wrote into the image, read from the image's layers. */
    public Optional<String> lockInImage(ImageBuild build, String digest) {
        ImageReference image = ImageReference.parse(build.getSpec().getRepository() + "@" + digest);
        return registry.readFileFromImage(image, credentials(build, image), LOCK_PATH);
    }

    /** The exact lock (pylock.toml) that a venv build wrote into the image, when it wrote one. */
    public Optional<String> pylockInImage(ImageBuild build, String digest) {
        ImageReference image = ImageReference.parse(build.getSpec().getRepository() + "@" + digest);
        return registry.readFileFromImage(image, credentials(build, image), PYLOCK_PATH);
    }

    /** The digest that the tag of the build's repository points at, when the registry has it. */
    public Optional<String> tagDigest(ImageBuild build, String tag) {
        ImageReference tagged = ImageReference.parse(build.getSpec().getRepository() + ":" + tag);
        return registry.manifestDigest(tagged, credentials(build, tagged));
    }

    /**
     * Points the tag of the build's repository at the image of that digest: its manifest, stored
     * again under the tag with the build's push credentials.
     */
    public void moveTag(ImageBuild build, String digest, String tag) {
        ImageReference image = ImageReference.parse(build.getSpec().getRepository() + "@" + digest);
        registry.putTag(image, tag, credentials(build, image));
    }

    /**
     * The build's push secret in its namespace; for the default repository without one, the shared
     * push secret in the build namespace (the same credentials its build pod pushed with), which
     * the operator needs to sign and tag there; else none.
     */
    private Credentials credentials(ImageBuild build, ImageReference image) {
        String secretName = build.getSpec().getPushSecret();
        if (secretName != null) {
            return credentials(build.getMetadata().getNamespace(), secretName, image);
        }
        return placement
                .sharedPushSecretFor(build)
                .map(shared -> credentials(placement.buildNamespace(), shared, image))
                .orElse(Credentials.ANONYMOUS);
    }

    private Credentials credentials(String namespace, String secretName, ImageReference image) {
        Secret secret = kubernetes.secrets().inNamespace(namespace).withName(secretName).get();
        if (secret == null) {
            throw new RegistryException(
                    image.registry(),
                    "push secret " + secretName + " not found in namespace " + namespace,
                    RegistryException.NO_STATUS,
                    null,
                    null);
        }
        return DockerConfig.fromSecret(secret).credentialsFor(image);
    }
}

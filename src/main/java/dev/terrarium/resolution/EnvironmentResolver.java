package dev.terrarium.resolution;

import dev.terrarium.api.ChannelAuthScheme;
import dev.terrarium.api.ConfigMapSource;
import dev.terrarium.api.Environment;
import dev.terrarium.builder.BuildNetwork;
import dev.terrarium.credentials.GitSshKey;
import dev.terrarium.credentials.IndexCredentials;
import dev.terrarium.naming.Labels;
import dev.terrarium.operator.TerrariumConfig;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.TrustedCertificates;
import dev.terrarium.requirements.ChannelUrls;
import dev.terrarium.requirements.PipIndexRules;
import dev.terrarium.requirements.Violation;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Resolves an Environment once per reconcile and shares the result with its dependents and
 * conditions through the reconcile context, so the spec is parsed once and the fromConfigMap source
 * is read once. Made at startup, so that settings no build could run with stop the operator there,
 * with their name, instead of failing every build.
 */
@Startup
@ApplicationScoped
public class EnvironmentResolver {

    private static final String KEY = EnvironmentResolution.class.getName();
    private static final String GIT_SSH_FIELD = "spec.gitSshSecretName";

    private final TerrariumConfig config;

    public EnvironmentResolver(TerrariumConfig config) {
        this.config = checked(config);
    }

    /**
     * The settings, once the builder image is known to be an image reference, as a pod's image must
     * be, the network settings of builds are known to be usable ({@link BuildNetwork}), and the
     * registry CA file, when set, holds certificates.
     */
    static TerrariumConfig checked(TerrariumConfig config) {
        config.registry().caFile().ifPresent(file -> TrustedCertificates.sslContext(Path.of(file)));
        BuildNetwork network = EnvironmentResolution.network(config);
        if (network.caBundle() != null && config.builds().namespace().isEmpty()) {
            throw new IllegalArgumentException(
                    "terrarium.builds.ca-bundle (TERRARIUM_BUILDS_CA_BUNDLE) needs "
                            + "terrarium.builds.namespace: the ConfigMap is read from the build "
                            + "namespace, and without one builds run in every Environment's own");
        }
        String image = config.builds().image();
        try {
            if (image.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("it contains white space");
            }
            ImageReference.parse(image);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "terrarium.builds.image (TERRARIUM_BUILDS_IMAGE) \""
                            + image
                            + "\" is not an image reference: "
                            + e.getMessage(),
                    e);
        }
        return config;
    }

    public EnvironmentResolution resolve(Environment environment, Context<Environment> context) {
        var shared = context.managedWorkflowAndDependentResourceContext();
        return shared.get(KEY, EnvironmentResolution.class)
                .orElseGet(
                        () -> {
                            EnvironmentResolution resolution =
                                    withCredentials(
                                            EnvironmentResolution.resolve(
                                                    environment,
                                                    sourceData(environment, context),
                                                    config),
                                            environment,
                                            context);
                            shared.put(KEY, resolution);
                            return resolution;
                        });
    }

    /**
     * The resolution, or, when a Secret that spec.pipIndexes, spec.channelCredentials or
     * spec.gitSshSecretName names is missing or holds no usable credentials, the same resolution
     * waiting for it: no build starts without its credentials. Read by name, never listed; only the
     * field, the Secret's name and its keys reach the message.
     */
    private EnvironmentResolution withCredentials(
            EnvironmentResolution resolution,
            Environment environment,
            Context<Environment> context) {
        if (!resolution.valid()) {
            return resolution;
        }
        String gitSshSecret =
                resolution.resolved().getGitSshKeyNamespace() == null
                        ? null
                        : environment.getSpec().getGitSshSecretName();
        Optional<String> credentialsField = resolution.firstCredentialsField();
        if (credentialsField.isEmpty() && gitSshSecret == null) {
            return resolution;
        }
        if (config.builds().namespace().isEmpty()) {
            String field = credentialsField.orElse(GIT_SSH_FIELD);
            return new EnvironmentResolution(
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    List.of(
                            Violation.of(
                                    field,
                                    "index, channel and git credentials need builds in the "
                                            + "operator's build "
                                            + "namespace (terrarium.builds.namespace), where the "
                                            + "operator keeps them for one build only; this "
                                            + "operator builds beside the Environments")),
                    null,
                    List.of());
        }
        String namespace = environment.getMetadata().getNamespace();
        if (gitSshSecret != null) {
            Secret secret =
                    context.getClient()
                            .secrets()
                            .inNamespace(namespace)
                            .withName(gitSshSecret)
                            .get();
            if (secret == null) {
                return resolution.waitingFor(
                        EnvironmentResolution.CREDENTIALS_NOT_FOUND,
                        GIT_SSH_FIELD
                                + ": Secret "
                                + gitSshSecret
                                + " with the SSH key of the git+ssh:// references does not exist "
                                + "in this namespace.");
            }
            Optional<String> problem =
                    GitSshKey.problem(GIT_SSH_FIELD, gitSshSecret, secret.getData());
            if (problem.isPresent()) {
                return resolution.waitingFor(
                        EnvironmentResolution.CREDENTIALS_INVALID, problem.get() + ".");
            }
        }
        List<IndexCredentials.Source> indexSources = new ArrayList<>();
        for (PipIndexRules.IndexSecret index : resolution.indexSecrets()) {
            indexSources.add(
                    source(
                            context,
                            namespace,
                            index.field(),
                            index.url(),
                            index.secretName(),
                            null));
        }
        List<IndexCredentials.Source> channelSources = new ArrayList<>();
        for (ChannelUrls.ChannelSecret channel : resolution.channelSecrets()) {
            channelSources.add(
                    source(
                            context,
                            namespace,
                            channel.field(),
                            channel.url(),
                            channel.secretName(),
                            channel.scheme()));
        }
        Optional<IndexCredentials.Source> missing =
                Stream.concat(indexSources.stream(), channelSources.stream())
                        .filter(source -> source.data() == null)
                        .findFirst();
        if (missing.isPresent()) {
            return resolution.waitingFor(
                    EnvironmentResolution.CREDENTIALS_NOT_FOUND,
                    missing.get().field()
                            + ": Secret "
                            + missing.get().secretName()
                            + " with the credentials of "
                            + missing.get().url()
                            + " does not exist in this namespace.");
        }
        try {
            IndexCredentials.netrc(indexSources);
            IndexCredentials.condaAuthFile(channelSources);
        } catch (IllegalArgumentException e) {
            return resolution.waitingFor(
                    EnvironmentResolution.CREDENTIALS_INVALID, e.getMessage() + ".");
        }
        return resolution;
    }

    /** A Secret the spec names, read; its data null when it does not exist. */
    private static IndexCredentials.Source source(
            Context<Environment> context,
            String namespace,
            String field,
            String url,
            String secretName,
            ChannelAuthScheme scheme) {
        Secret secret =
                context.getClient().secrets().inNamespace(namespace).withName(secretName).get();
        return new IndexCredentials.Source(
                field, url, secretName, secret == null ? null : secret.getData(), scheme);
    }

    /**
     * The data of spec.fromConfigMap's ConfigMap (the key it names, and the files a
     * requirements.txt there includes): from the cache when the ConfigMap is labelled for watching,
     * else read once. Null when the ConfigMap is missing.
     */
    private static Map<String, String> sourceData(
            Environment environment, Context<Environment> context) {
        ConfigMapSource source =
                environment.getSpec() == null ? null : environment.getSpec().getFromConfigMap();
        if (source == null) {
            return null;
        }
        ConfigMap configMap =
                context.getSecondaryResources(ConfigMap.class).stream()
                        .filter(
                                cm ->
                                        source.getName().equals(cm.getMetadata().getName())
                                                && cm.getMetadata().getLabels() != null
                                                && "true"
                                                        .equals(
                                                                cm.getMetadata()
                                                                        .getLabels()
                                                                        .get(Labels.WATCH)))
                        .findFirst()
                        .orElseGet(
                                () ->
                                        context.getClient()
                                                .configMaps()
                                                .inNamespace(
                                                        environment.getMetadata().getNamespace())
                                                .withName(source.getName())
                                                .get());
        if (configMap == null) {
            return null;
        }
        return configMap.getData() == null ? Map.of() : configMap.getData();
    }
}

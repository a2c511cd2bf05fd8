package dev.terrarium.dependent;

import dev.terrarium.api.ChannelAuthScheme;
import dev.terrarium.api.ChannelCredentials;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.PipIndex;
import dev.terrarium.builder.BuildPlacement;
import dev.terrarium.credentials.GitSshKey;
import dev.terrarium.credentials.IndexCredentials;
import dev.terrarium.naming.Labels;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The credentials of an ImageBuild's install step, as a Secret where its build runs, for as long as
 * the build runs: the netrc file of its package indexes and the conda installer's authentication
 * file of its channels ({@link IndexCredentials}), and its git SSH key and known hosts ({@link
 * GitSshKey}), made from the Secrets its spec names in its own namespace, mounted only in the build
 * step and handed to buildah as build secrets. The four keys are always there, empty when the spec
 * names no such credentials, so that the build step hands buildah the same secrets for every build.
 * Its informer watches only the operator's build Secrets, so the operator never lists tenants'
 * Secrets.
 */
@KubernetesDependent(
        useSSA = BooleanWithUndefined.TRUE,
        informer =
                @Informer(
                        labelSelector =
                                Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=build"))
public class BuildCredentialsSecretDependent extends BuildNamespaceDependent<Secret> {

    private final BuildPlacement placement;

    public BuildCredentialsSecretDependent(BuildPlacement placement) {
        this.placement = placement;
    }

    @Override
    protected BuildPlacement placement() {
        return placement;
    }

    /**
     * The credentials Secret's name; for a build without one, a name no object has: this informer
     * also sees the build's copy of its push secret, and the workflow asks for the credentials to
     * delete them.
     */
    @Override
    protected String objectName(ImageBuild build) {
        return placement.credentialsSecret(build).orElse(NO_OBJECT);
    }

    @Override
    protected Secret desired(ImageBuild build, Context<ImageBuild> context) {
        String namespace = build.getMetadata().getNamespace();
        List<IndexCredentials.Source> sources = new ArrayList<>();
        List<PipIndex> secrets =
                build.getSpec().getIndexSecrets() == null
                        ? List.of()
                        : build.getSpec().getIndexSecrets();
        for (int i = 0; i < secrets.size(); i++) {
            PipIndex index = secrets.get(i);
            sources.add(
                    source(
                            context,
                            namespace,
                            "spec.indexSecrets[" + i + "].secretName",
                            index.getUrl(),
                            index.getSecretName(),
                            null));
        }
        List<IndexCredentials.Source> channelSources = new ArrayList<>();
        List<ChannelCredentials> channels =
                build.getSpec().getChannelSecrets() == null
                        ? List.of()
                        : build.getSpec().getChannelSecrets();
        for (int i = 0; i < channels.size(); i++) {
            ChannelCredentials channel = channels.get(i);
            channelSources.add(
                    source(
                            context,
                            namespace,
                            "spec.channelSecrets[" + i + "].secretName",
                            channel.getUrl(),
                            channel.getSecretName(),
                            channel.getScheme() == null
                                    ? ChannelAuthScheme.Basic
                                    : channel.getScheme()));
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put(IndexCredentials.NETRC_KEY, encoded(IndexCredentials.netrc(sources)));
        data.put(
                IndexCredentials.CONDA_AUTH_KEY,
                encoded(IndexCredentials.condaAuthFile(channelSources)));
        data.put(GitSshKey.PRIVATE_KEY, "");
        data.put(GitSshKey.KNOWN_HOSTS, "");
        String gitSsh = build.getSpec().getGitSshSecretName();
        if (gitSsh != null) {
            String field = "spec.gitSshSecretName";
            Secret secret =
                    tenantSecret(context, namespace, gitSsh, field, "its git+ssh:// references");
            GitSshKey.problem(field, gitSsh, secret.getData())
                    .ifPresent(
                            message -> {
                                throw new IllegalStateException(message);
                            });
            data.put(GitSshKey.PRIVATE_KEY, encoded(GitSshKey.privateKeyFile(secret.getData())));
            data.put(GitSshKey.KNOWN_HOSTS, secret.getData().get(GitSshKey.KNOWN_HOSTS));
        }
        return desired(build, placement, data);
    }

    /** The credentials a tenant Secret gives one index (scheme null) or channel. */
    private static IndexCredentials.Source source(
            Context<ImageBuild> context,
            String namespace,
            String field,
            String url,
            String secretName,
            ChannelAuthScheme scheme) {
        Secret secret = tenantSecret(context, namespace, secretName, field, url);
        return new IndexCredentials.Source(field, url, secretName, secret.getData(), scheme);
    }

    /**
     * A Secret of the build's own namespace that its spec names, read by name; a missing one fails
     * the reconcile with the field and the Secret's name, never a value.
     */
    private static Secret tenantSecret(
            Context<ImageBuild> context,
            String namespace,
            String name,
            String field,
            String neededFor) {
        Secret secret = context.getClient().secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
            throw new IllegalStateException(
                    field
                            + ": the Secret "
                            + name
                            + " is not found in namespace "
                            + namespace
                            + "; the build needs it for "
                            + neededFor);
        }
        return secret;
    }

    private static String encoded(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The Secret holding the credentials files under their keys, with the build's name and labels.
     */
    static Secret desired(ImageBuild build, BuildPlacement placement, Map<String, String> data) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(placement.credentialsSecret(build).orElseThrow())
                .withNamespace(placement.namespace(build))
                .withLabels(placement.labels(build))
                .endMetadata()
                .withType("Opaque")
                .withData(data)
                .build();
    }
}

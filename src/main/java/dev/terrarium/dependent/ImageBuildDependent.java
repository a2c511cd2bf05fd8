package dev.terrarium.dependent;

import dev.terrarium.api.ChannelCredentials;
import dev.terrarium.api.Environment;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildSpec;
import dev.terrarium.api.PipIndex;
import dev.terrarium.naming.Labels;
import dev.terrarium.resolution.EnvironmentResolution;
import dev.terrarium.resolution.EnvironmentResolver;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;

/**
 * The ImageBuild of an Environment's current spec: created once and never updated (its spec is an
 * immutable snapshot). A spec change makes a new ImageBuild under a new name; older ones stay as
 * history until retention removes them.
 */
public class ImageBuildDependent extends KubernetesDependentResource<ImageBuild, Environment>
        implements Creator<ImageBuild, Environment>, GarbageCollected<Environment> {

    private final EnvironmentResolver resolver;

    public ImageBuildDependent(EnvironmentResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    protected ImageBuild desired(Environment environment, Context<Environment> context) {
        EnvironmentResolution resolution = resolver.resolve(environment, context);
        ImageBuildSpec spec = new ImageBuildSpec();
        spec.setEnvironment(environment.getMetadata().getName());
        spec.setSpecHash(resolution.specHash());
        spec.setRepository(resolution.repository());
        spec.setPushSecret(
                environment.getSpec().getOutput() == null
                        ? null
                        : environment.getSpec().getOutput().getPushSecret());
        spec.setRebuild(resolution.rebuild());
        List<PipIndex> indexSecrets =
                resolution.indexSecrets().stream()
                        .map(secret -> new PipIndex(secret.url(), secret.secretName()))
                        .toList();
        if (!indexSecrets.isEmpty()) {
            spec.setIndexSecrets(indexSecrets);
        }
        List<ChannelCredentials> channelSecrets =
                resolution.channelSecrets().stream()
                        .map(
                                secret ->
                                        new ChannelCredentials(
                                                secret.url(), secret.secretName(), secret.scheme()))
                        .toList();
        if (!channelSecrets.isEmpty()) {
            spec.setChannelSecrets(channelSecrets);
        }
        if (resolution.resolved().getGitSshKeyNamespace() != null) {
            spec.setGitSshSecretName(environment.getSpec().getGitSshSecretName());
        }
        spec.setResolved(resolution.resolved());
        spec.setBuild(resolution.build());
        ImageBuild build = new ImageBuild();
        build.setMetadata(
                new ObjectMetaBuilder()
                        .withName(resolution.buildName())
                        .withNamespace(environment.getMetadata().getNamespace())
                        .withLabels(Labels.forEnvironment(environment.getMetadata().getName()))
                        .build());
        build.setSpec(spec);
        return build;
    }

    /**
     * The build of the current spec; a refused spec has none, and this matches no existing build.
     */
    @Override
    protected ResourceID targetSecondaryResourceID(
            Environment environment, Context<Environment> context) {
        EnvironmentResolution resolution = resolver.resolve(environment, context);
        return new ResourceID(
                resolution.valid() ? resolution.buildName() : "",
                environment.getMetadata().getNamespace());
    }
}

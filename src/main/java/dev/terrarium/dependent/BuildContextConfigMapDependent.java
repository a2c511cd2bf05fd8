package dev.terrarium.dependent;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.builder.BuildJobs;
import dev.terrarium.builder.BuildPlacement;
import dev.terrarium.naming.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The build context of one ImageBuild (Dockerfile and environment files), mounted into its build
 * pod, where builds run ({@link BuildPlacement}).
 */
@KubernetesDependent(
        useSSA = BooleanWithUndefined.TRUE,
        informer =
                @Informer(
                        labelSelector =
                                Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=build"))
public class BuildContextConfigMapDependent extends BuildNamespaceDependent<ConfigMap> {

    private final BuildPlacement placement;

    public BuildContextConfigMapDependent(BuildPlacement placement) {
        this.placement = placement;
    }

    @Override
    protected BuildPlacement placement() {
        return placement;
    }

    @Override
    protected String objectName(ImageBuild build) {
        return placement.contextName(build);
    }

    @Override
    protected ConfigMap desired(ImageBuild build, Context<ImageBuild> context) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(objectName(build))
                .withNamespace(placement.namespace(build))
                .withLabels(placement.labels(build))
                .endMetadata()
                .withImmutable(true)
                .withData(BuildJobs.prepared(build, placement).context().files())
                .build();
    }
}

package dev.terrarium.dependent;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.builder.BuildJobs;
import dev.terrarium.naming.Labels;
import dev.terrarium.naming.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The build context of one ImageBuild (Dockerfile and environment files), mounted into its build
 * pod.
 */
@KubernetesDependent(
        useSSA = BooleanWithUndefined.TRUE,
        informer =
                @Informer(
                        labelSelector =
                                Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=build"))
public class BuildContextConfigMapDependent
        extends CRUDKubernetesDependentResource<ConfigMap, ImageBuild> {

    @Override
    protected ConfigMap desired(ImageBuild build, Context<ImageBuild> context) {
        String name = build.getMetadata().getName();
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(Names.buildContext(name))
                .withNamespace(build.getMetadata().getNamespace())
                .withLabels(Labels.forBuild(build.getSpec().getEnvironment(), name))
                .endMetadata()
                .withImmutable(true)
                .withData(BuildJobs.prepared(build).context().files())
                .build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(ImageBuild build, Context<ImageBuild> context) {
        return new ResourceID(
                Names.buildContext(build.getMetadata().getName()),
                build.getMetadata().getNamespace());
    }
}

package dev.terrarium.dependent;

import dev.terrarium.api.BuildSettings;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.builder.BuildJobs;
import dev.terrarium.builder.BuilderPod;
import dev.terrarium.kube.PodResources;
import dev.terrarium.naming.Labels;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The build Job of one ImageBuild: one attempt (backoffLimit 0, a failure is final for its spec),
 * bounded by the build timeout, on the build's service account without an API token.
 */
@KubernetesDependent(
        informer =
                @Informer(
                        labelSelector =
                                Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=build"))
public class BuildJobDependent extends CRUDKubernetesDependentResource<Job, ImageBuild> {

    @Override
    protected Job desired(ImageBuild build, Context<ImageBuild> context) {
        String name = build.getMetadata().getName();
        BuildSettings settings = build.getSpec().getBuild();
        BuilderPod builder = BuildJobs.prepared(build).pod();
        PodSpec pod = builder.toPodSpec();
        pod.getContainers().forEach(c -> c.setResources(PodResources.complete(c.getResources())));
        pod.setServiceAccountName(settings.getServiceAccountName());
        pod.setNodeSelector(settings.getNodeSelector());
        pod.setTolerations(settings.getTolerations());
        return new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(build.getMetadata().getNamespace())
                .withLabels(Labels.forBuild(build.getSpec().getEnvironment(), name))
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withActiveDeadlineSeconds(settings.getTimeoutSeconds())
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Labels.forBuild(build.getSpec().getEnvironment(), name))
                .endMetadata()
                .withSpec(pod)
                .endTemplate()
                .endSpec()
                .build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(ImageBuild build, Context<ImageBuild> context) {
        return ResourceID.fromResource(build);
    }
}

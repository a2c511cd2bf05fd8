package dev.terrarium.dependent;

import dev.terrarium.api.BuildSettings;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.builder.BuildJobs;
import dev.terrarium.builder.BuildPlacement;
import dev.terrarium.builder.BuilderPod;
import dev.terrarium.kube.PodResources;
import dev.terrarium.naming.Labels;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The build Job of one ImageBuild: one attempt (backoffLimit 0, a failure is final for its spec),
 * bounded by the build timeout, on a service account without an API token (in the build namespace
 * the one shared by every build pod there), where builds run ({@link BuildPlacement}).
 */
@KubernetesDependent(
        informer =
                @Informer(
                        labelSelector =
                                Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=build"))
public class BuildJobDependent extends BuildNamespaceDependent<Job> {

    private final BuildPlacement placement;

    public BuildJobDependent(BuildPlacement placement) {
        this.placement = placement;
    }

    @Override
    protected BuildPlacement placement() {
        return placement;
    }

    @Override
    protected String objectName(ImageBuild build) {
        return placement.jobName(build);
    }

    @Override
    protected Job desired(ImageBuild build, Context<ImageBuild> context) {
        BuildSettings settings = build.getSpec().getBuild();
        BuilderPod builder = BuildJobs.prepared(build, placement).pod();
        PodSpec pod = builder.toPodSpec();
        pod.getInitContainers()
                .forEach(c -> c.setResources(PodResources.complete(c.getResources())));
        pod.getContainers().forEach(c -> c.setResources(PodResources.complete(c.getResources())));
        pod.setServiceAccountName(placement.podServiceAccount(build));
        pod.setNodeSelector(settings.getNodeSelector());
        pod.setTolerations(settings.getTolerations());
        return new JobBuilder()
                .withNewMetadata()
                .withName(objectName(build))
                .withNamespace(placement.namespace(build))
                .withLabels(placement.labels(build))
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withActiveDeadlineSeconds(settings.getTimeoutSeconds())
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(placement.labels(build))
                .withAnnotations(BuilderPod.ANNOTATIONS)
                .endMetadata()
                .withSpec(pod)
                .endTemplate()
                .endSpec()
                .build();
    }
}

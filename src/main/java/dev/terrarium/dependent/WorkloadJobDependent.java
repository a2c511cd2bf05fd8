package dev.terrarium.dependent;

import dev.terrarium.api.Workload;
import dev.terrarium.support.Labels;
import dev.terrarium.support.Names;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Optional;
import java.util.Set;

/**
 * The Job of a run-to-completion Workload (docker run without -d). A Job's pod template is immutable, so the Job is
 * named after a hash of its template: changing the command or the image runs a new Job, and the reconciler removes
 * the superseded one.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class WorkloadJobDependent extends CRUDKubernetesDependentResource<Job, Workload> {

    @Override
    protected Job desired(Workload workload, Context<Workload> context) {
        WorkloadImage image = WorkloadImage.resolve(workload, WorkloadSecondaries.environment(context))
                .orElseThrow(() -> new IllegalStateException("reconciled without an image; the precondition gates it"));
        PodTemplateSpec template = WorkloadPods.template(workload, image, "Never");
        String name = jobName(workload.getMetadata().getName(), template);
        Integer backoffLimit = workload.getSpec().getBackoffLimit();
        return new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(workload.getMetadata().getNamespace())
                .withLabels(Labels.forWorkload(workload.getMetadata().getName()))
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(backoffLimit != null ? backoffLimit : 0)
                .withSuspend(Boolean.TRUE.equals(workload.getSpec().getSuspend()))
                .withTemplate(template)
                .endSpec()
                .build();
    }

    public static String jobName(String workload, PodTemplateSpec template) {
        return Names.workloadJob(workload, Names.sha256Hex(Serialization.asJson(template)));
    }

    /**
     * The Job of the current template; without an image to compute it from (a Job being removed), the Workload's
     * newest Job.
     */
    @Override
    protected Optional<Job> selectTargetSecondaryResource(Set<Job> jobs, Workload workload,
            Context<Workload> context) {
        Optional<WorkloadImage> image = WorkloadImage.resolve(workload, WorkloadSecondaries.environment(context));
        if (image.isPresent()) {
            String name = jobName(workload.getMetadata().getName(), WorkloadPods.template(workload, image.get(),
                    "Never"));
            return jobs.stream().filter(j -> name.equals(j.getMetadata().getName())).findFirst();
        }
        return jobs.stream().max(java.util.Comparator.comparing(j -> j.getMetadata().getCreationTimestamp()));
    }
}

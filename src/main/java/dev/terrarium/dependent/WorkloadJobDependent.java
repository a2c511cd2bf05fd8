package dev.terrarium.dependent;

import dev.terrarium.api.Workload;
import dev.terrarium.naming.Labels;
import dev.terrarium.workload.WorkloadImage;
import dev.terrarium.workload.WorkloadJobs;
import dev.terrarium.workload.WorkloadRuntime;
import dev.terrarium.workload.WorkloadSecondaries;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;

/**
 * The Job of a run-to-completion Workload (docker run without -d), named by {@link
 * WorkloadJobs#name}: changing the command or the image runs a new Job, and the reconciler removes
 * the superseded one.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class WorkloadJobDependent extends CRUDKubernetesDependentResource<Job, Workload> {

    private final WorkloadRuntime runtime;

    public WorkloadJobDependent(WorkloadRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    protected Job desired(Workload workload, Context<Workload> context) {
        WorkloadImage image =
                WorkloadImage.resolve(workload, WorkloadSecondaries.environment(context))
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "reconciled without an image; the precondition gates it"));
        String name = WorkloadJobs.name(workload, image, runtime);
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
                .withTemplate(WorkloadJobs.template(workload, image, runtime))
                .endSpec()
                .build();
    }

    /**
     * The Job of the current template; without an image to compute it from (a Job being removed),
     * the Workload's newest Job.
     */
    @Override
    protected Optional<Job> selectTargetSecondaryResource(
            Set<Job> jobs, Workload workload, Context<Workload> context) {
        Optional<WorkloadImage> image =
                WorkloadImage.resolve(workload, WorkloadSecondaries.environment(context));
        if (image.isPresent()) {
            String name = WorkloadJobs.name(workload, image.get(), runtime);
            return jobs.stream().filter(j -> name.equals(j.getMetadata().getName())).findFirst();
        }
        return jobs.stream().max(Comparator.comparing(j -> j.getMetadata().getCreationTimestamp()));
    }
}

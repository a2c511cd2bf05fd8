package dev.terrarium.workload;

import dev.terrarium.api.Workload;
import dev.terrarium.naming.Names;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The Job of a run-to-completion Workload. A Job's pod template is immutable, so the Job is named
 * after a hash of its template: changing the command or the image makes a new Job. Pure.
 */
public final class WorkloadJobs {

    private WorkloadJobs() {}

    /**
     * The pod template of the Workload's Job: never restarted in place; the Job's backoffLimit
     * retries.
     */
    public static PodTemplateSpec template(
            Workload workload, WorkloadImage image, WorkloadRuntime runtime) {
        return WorkloadPods.template(workload, image, runtime, "Never");
    }

    /** The name of the Job that runs this template of the Workload. */
    public static String name(Workload workload, WorkloadImage image, WorkloadRuntime runtime) {
        return Names.workloadJob(
                workload.getMetadata().getName(),
                Names.sha256Hex(Serialization.asJson(template(workload, image, runtime))));
    }
}

package dev.terrarium.dependent;

import dev.terrarium.api.Workload;
import dev.terrarium.naming.Labels;
import dev.terrarium.workload.WorkloadVolumes;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The PersistentVolumeClaim the operator makes for a Workload's {@code claim} volume, named like
 * the Workload. Not garbage-collected by the operator SDK: a claim holds data, so it is never
 * deleted because the Workload stopped asking for it, and it goes with the Workload only when its
 * whenDeleted is Delete (then it carries the Workload as owner, and the cluster's garbage collector
 * deletes it).
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class WorkloadClaimDependent
        extends KubernetesDependentResource<PersistentVolumeClaim, Workload>
        implements Creator<PersistentVolumeClaim, Workload>,
                Updater<PersistentVolumeClaim, Workload> {

    @Override
    protected PersistentVolumeClaim desired(Workload workload, Context<Workload> context) {
        return WorkloadVolumes.claim(workload)
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "reconciled without a claim volume; the precondition gates it"));
    }

    @Override
    protected ResourceID targetSecondaryResourceID(Workload workload, Context<Workload> context) {
        return new ResourceID(
                WorkloadVolumes.claimName(workload), workload.getMetadata().getNamespace());
    }
}

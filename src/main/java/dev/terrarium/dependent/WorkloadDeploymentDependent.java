package dev.terrarium.dependent;

import dev.terrarium.api.Workload;
import dev.terrarium.naming.Labels;
import dev.terrarium.workload.WorkloadImage;
import dev.terrarium.workload.WorkloadPods;
import dev.terrarium.workload.WorkloadRuntime;
import dev.terrarium.workload.WorkloadSecondaries;
import dev.terrarium.workload.WorkloadVolumes;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The Deployment of a long-running Workload (docker run -d), pinned to its image's digest. While
 * the cluster lacks the RuntimeClass its pods ask for, an existing Deployment is left exactly as it
 * is: an edit that asks for stronger isolation never rolls out the rest of it without that
 * isolation.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class WorkloadDeploymentDependent
        extends CRUDKubernetesDependentResource<Deployment, Workload> {

    private final WorkloadRuntime runtime;

    public WorkloadDeploymentDependent(WorkloadRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Result<Deployment> match(
            Deployment actual, Workload workload, Context<Workload> context) {
        if (WorkloadSecondaries.runtimeClassMissing(workload, context, runtime).isPresent()) {
            return Result.nonComputed(true);
        }
        return super.match(actual, workload, context);
    }

    @Override
    protected Deployment desired(Workload workload, Context<Workload> context) {
        String name = workload.getMetadata().getName();
        WorkloadImage image =
                WorkloadImage.resolve(workload, WorkloadSecondaries.environment(context))
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "reconciled without an image; the precondition gates it"));
        boolean suspended = Boolean.TRUE.equals(workload.getSpec().getSuspend());
        // Without replicas in the spec the operator does not own the count (an autoscaler may),
        // except to stop it.
        Integer replicas = suspended ? Integer.valueOf(0) : workload.getSpec().getReplicas();
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(workload.getMetadata().getNamespace())
                .withLabels(Labels.forWorkload(name))
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withStrategy(
                        WorkloadVolumes.deploymentStrategy(
                                workload.getSpec(),
                                WorkloadSecondaries.namedClaimAccessModes(workload, context)))
                .withNewSelector()
                .withMatchLabels(WorkloadPods.selector(name))
                .endSelector()
                .withTemplate(WorkloadPods.template(workload, image, runtime, "Always"))
                .endSpec()
                .build();
    }

    /**
     * A Deployment that turns to Recreate must lose its rollingUpdate settings in the same write,
     * or the API server refuses it; the API server defaulted them, so they belong to no field
     * manager and an apply that leaves them out keeps them. A merge patch removes them first.
     */
    @Override
    public Deployment update(
            Deployment actual, Deployment desired, Workload workload, Context<Workload> context) {
        boolean toRecreate =
                WorkloadVolumes.RECREATE.equals(desired.getSpec().getStrategy().getType());
        boolean rolling =
                actual.getSpec().getStrategy() != null
                        && actual.getSpec().getStrategy().getRollingUpdate() != null;
        if (toRecreate && rolling) {
            context.getClient()
                    .apps()
                    .deployments()
                    .inNamespace(actual.getMetadata().getNamespace())
                    .withName(actual.getMetadata().getName())
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"strategy\":{\"type\":\"Recreate\",\"rollingUpdate\":null}}}");
        }
        return super.update(actual, desired, workload, context);
    }

    /**
     * Found by name: desired() needs an image, which a Deployment being removed may no longer have.
     */
    @Override
    protected ResourceID targetSecondaryResourceID(Workload workload, Context<Workload> context) {
        return ResourceID.fromResource(workload);
    }
}

package dev.terrarium.reconciler;

import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.workload.WorkloadImage;
import dev.terrarium.workload.WorkloadRuntime;
import dev.terrarium.workload.WorkloadSecondaries;
import dev.terrarium.workload.WorkloadVolumes;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.quarkus.arc.Unremovable;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * When each of a Workload's children exists. A child whose condition turns false is deleted. None
 * is created while the cluster lacks the RuntimeClass the pods ask for; an existing Deployment
 * stays (its dependent leaves it unchanged), and a Job of another template is not the current one.
 * The conditions are CDI beans, like EnvironmentPreconditions'.
 */
public final class WorkloadPreconditions {

    private WorkloadPreconditions() {}

    static boolean hasImage(Workload workload, Context<Workload> context) {
        return WorkloadImage.resolve(workload, WorkloadSecondaries.environment(context))
                .isPresent();
    }

    static boolean isJob(Workload workload) {
        return workload.getSpec().getMode() == WorkloadMode.Job;
    }

    /**
     * mode: Service, with an image to run, in a RuntimeClass that exists (or a Deployment that is
     * kept as it is until it does).
     */
    @Singleton
    @Unremovable
    public static class RunsAsService implements Condition<Object, Workload> {

        @Inject WorkloadRuntime runtime;

        @Override
        public boolean isMet(
                DependentResource<Object, Workload> dependent,
                Workload workload,
                Context<Workload> context) {
            return !isJob(workload)
                    && hasImage(workload, context)
                    && (context.getSecondaryResource(Deployment.class).isPresent()
                            || WorkloadSecondaries.runtimeClassMissing(workload, context, runtime)
                                    .isEmpty());
        }
    }

    /** mode: Service with a volume whose claim the operator makes. */
    public static class MakesClaim implements Condition<Object, Workload> {
        @Override
        public boolean isMet(
                DependentResource<Object, Workload> dependent,
                Workload workload,
                Context<Workload> context) {
            return WorkloadVolumes.ownClaim(workload.getSpec()).isPresent();
        }
    }

    /** mode: Service with ports. */
    public static class PublishesPorts implements Condition<Object, Workload> {
        @Override
        public boolean isMet(
                DependentResource<Object, Workload> dependent,
                Workload workload,
                Context<Workload> context) {
            return !isJob(workload)
                    && workload.getSpec().getPorts() != null
                    && !workload.getSpec().getPorts().isEmpty();
        }
    }

    /** mode: Job, with an image to run, in a RuntimeClass that exists. */
    @Singleton
    @Unremovable
    public static class RunsAsJob implements Condition<Object, Workload> {

        @Inject WorkloadRuntime runtime;

        @Override
        public boolean isMet(
                DependentResource<Object, Workload> dependent,
                Workload workload,
                Context<Workload> context) {
            return isJob(workload)
                    && hasImage(workload, context)
                    && WorkloadSecondaries.runtimeClassMissing(workload, context, runtime)
                            .isEmpty();
        }
    }
}

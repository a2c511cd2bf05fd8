package dev.terrarium.reconciler;

import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.workload.WorkloadImage;
import dev.terrarium.workload.WorkloadSecondaries;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** When each of a Workload's children exists. A child whose condition turns false is deleted. */
public final class WorkloadPreconditions {

    private WorkloadPreconditions() {}

    static boolean hasImage(Workload workload, Context<Workload> context) {
        return WorkloadImage.resolve(workload, WorkloadSecondaries.environment(context))
                .isPresent();
    }

    static boolean isJob(Workload workload) {
        return workload.getSpec().getMode() == WorkloadMode.Job;
    }

    /** mode: Service, with an image to run. */
    public static class RunsAsService implements Condition<Object, Workload> {
        @Override
        public boolean isMet(
                DependentResource<Object, Workload> dependent,
                Workload workload,
                Context<Workload> context) {
            return !isJob(workload) && hasImage(workload, context);
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

    /** mode: Job, with an image to run. */
    public static class RunsAsJob implements Condition<Object, Workload> {
        @Override
        public boolean isMet(
                DependentResource<Object, Workload> dependent,
                Workload workload,
                Context<Workload> context) {
            return isJob(workload) && hasImage(workload, context);
        }
    }
}

package dev.terrarium.workload;

import dev.terrarium.api.Environment;
import dev.terrarium.api.Workload;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Optional;

/** Reads a Workload's secondary resources from the reconcile context (the informer caches). */
public final class WorkloadSecondaries {

    private WorkloadSecondaries() {}

    /**
     * The Workload's Environment; the Environment informer maps it to the Workloads that name it.
     */
    public static Optional<Environment> environment(Context<Workload> context) {
        String wanted = context.getPrimaryResource().getSpec().getEnvironment();
        if (wanted == null) {
            return Optional.empty();
        }
        return context.getSecondaryResources(Environment.class).stream()
                .filter(env -> wanted.equals(env.getMetadata().getName()))
                .findFirst();
    }
}

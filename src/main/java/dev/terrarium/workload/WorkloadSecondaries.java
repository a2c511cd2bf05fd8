package dev.terrarium.workload;

import dev.terrarium.api.Environment;
import dev.terrarium.api.Workload;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Optional;

/**
 * Reads a Workload's secondary resources from the reconcile context (the informer caches), and
 * whether the cluster has the RuntimeClass its pods ask for.
 */
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

    private static final String RUNTIME_CLASS_CHECKED = "terrarium.dev/runtime-class-checked";

    /** The answer of one round: the message when the RuntimeClass is missing, else null. */
    private record RuntimeClassCheck(String missing) {}

    /**
     * The message that says why no pods can be made, when the cluster lacks the RuntimeClass they
     * ask for. The API server is asked once per reconcile round (the preconditions, the dependents
     * and the reconciler share the answer), and only for Workloads that ask for one, so the
     * operator watches no RuntimeClass; a Workload waiting for one looks again on its own.
     */
    public static Optional<String> runtimeClassMissing(
            Workload workload, Context<Workload> context, WorkloadRuntime runtime) {
        var round = context.managedWorkflowAndDependentResourceContext();
        Optional<RuntimeClassCheck> known =
                round.get(RUNTIME_CLASS_CHECKED, RuntimeClassCheck.class);
        if (known.isPresent()) {
            return Optional.ofNullable(known.get().missing());
        }
        String missing =
                runtime.runtimeClassName(workload.getSpec())
                        .filter(
                                name ->
                                        context.getClient()
                                                        .resources(RuntimeClass.class)
                                                        .withName(name)
                                                        .get()
                                                == null)
                        .map(name -> runtime.notFoundMessage(workload.getSpec()))
                        .orElse(null);
        round.put(RUNTIME_CLASS_CHECKED, new RuntimeClassCheck(missing));
        return Optional.ofNullable(missing);
    }
}

package dev.terrarium.workload;

import dev.terrarium.api.Environment;
import dev.terrarium.api.Workload;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    private static final String CLAIMS_READ = "terrarium.dev/claim-access-modes";

    /** The access modes of the named claims, read once per round. */
    private record ClaimModes(Map<String, List<String>> modes) {}

    /**
     * The access modes of the existing PersistentVolumeClaims a Workload mounts, by name, for those
     * that exist and the operator may read. Each is asked for by name once per reconcile round (the
     * operator watches no claims but its own), so a claim made after its Workload counts from the
     * Workload's next change or resync on.
     */
    public static Map<String, List<String>> namedClaimAccessModes(
            Workload workload, Context<Workload> context) {
        List<String> names = WorkloadVolumes.namedClaims(workload.getSpec());
        if (names.isEmpty()) {
            return Map.of();
        }
        var round = context.managedWorkflowAndDependentResourceContext();
        Optional<ClaimModes> known = round.get(CLAIMS_READ, ClaimModes.class);
        if (known.isPresent()) {
            return known.get().modes();
        }
        Map<String, List<String>> modes = new HashMap<>();
        for (String name : names) {
            try {
                PersistentVolumeClaim claim =
                        context.getClient()
                                .persistentVolumeClaims()
                                .inNamespace(workload.getMetadata().getNamespace())
                                .withName(name)
                                .get();
                if (claim != null && claim.getSpec().getAccessModes() != null) {
                    modes.put(name, List.copyOf(claim.getSpec().getAccessModes()));
                }
            } catch (KubernetesClientException unreadable) {
                // A claim the operator may not read leaves the default strategy, as documented.
            }
        }
        round.put(CLAIMS_READ, new ClaimModes(Map.copyOf(modes)));
        return Map.copyOf(modes);
    }
}

package dev.terrarium.workload;

import dev.terrarium.api.WorkloadIsolation;
import dev.terrarium.api.WorkloadSpec;
import java.util.Optional;

/**
 * The RuntimeClass a Workload's pods run in: the one its isolation maps to through the operator's
 * settings, or the one runtimeClassName names (the schema refuses both), or none for the node's
 * default runtime. Pure.
 *
 * @param sandboxed RuntimeClass of isolation: sandboxed
 *     (terrarium.isolation.sandboxed-runtime-class)
 * @param vm RuntimeClass of isolation: vm (terrarium.isolation.vm-runtime-class)
 */
public record WorkloadRuntime(String sandboxed, String vm) {

    /** The RuntimeClass of the pods, if any. */
    public Optional<String> runtimeClassName(WorkloadSpec spec) {
        WorkloadIsolation isolation = spec.getIsolation();
        if (isolation == WorkloadIsolation.SANDBOXED) {
            return Optional.of(sandboxed);
        }
        if (isolation == WorkloadIsolation.VM) {
            return Optional.of(vm);
        }
        return Optional.ofNullable(spec.getRuntimeClassName());
    }

    /**
     * Why the pods cannot be made while the cluster lacks their RuntimeClass, naming the field that
     * asked for it and, for an isolation, the setting that maps it.
     */
    public String notFoundMessage(WorkloadSpec spec) {
        String name = runtimeClassName(spec).orElseThrow();
        WorkloadIsolation isolation = spec.getIsolation();
        String askedBy =
                isolation == WorkloadIsolation.SANDBOXED || isolation == WorkloadIsolation.VM
                        ? "spec.isolation "
                                + isolation.value()
                                + " runs pods in RuntimeClass "
                                + name
                                + " (operator setting terrarium.isolation."
                                + isolation.value()
                                + "-runtime-class)"
                        : "spec.runtimeClassName names RuntimeClass " + name;
        return askedBy
                + ", which does not exist in the cluster (kubectl get runtimeclass); no pods are "
                + "created or changed until it does.";
    }
}

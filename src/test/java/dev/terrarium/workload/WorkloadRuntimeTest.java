package dev.terrarium.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.WorkloadIsolation;
import dev.terrarium.api.WorkloadSpec;
import org.junit.jupiter.api.Test;

class WorkloadRuntimeTest {

    private static final WorkloadRuntime RUNTIME = new WorkloadRuntime("runsc-class", "kata-qemu");

    private static WorkloadSpec spec(WorkloadIsolation isolation, String runtimeClassName) {
        WorkloadSpec spec = new WorkloadSpec();
        spec.setImage("busybox:1.36");
        spec.setIsolation(isolation);
        spec.setRuntimeClassName(runtimeClassName);
        return spec;
    }

    @Test
    void eachIsolationMapsToTheRuntimeClassOfItsSetting() {
        assertThat(RUNTIME.runtimeClassName(spec(WorkloadIsolation.SANDBOXED, null)))
                .contains("runsc-class");
        assertThat(RUNTIME.runtimeClassName(spec(WorkloadIsolation.VM, null)))
                .contains("kata-qemu");
    }

    @Test
    void containerOrNoIsolationKeepsTheNodesRuntimeOrTheNamedRuntimeClass() {
        assertThat(RUNTIME.runtimeClassName(spec(null, null))).isEmpty();
        assertThat(RUNTIME.runtimeClassName(spec(WorkloadIsolation.CONTAINER, null))).isEmpty();
        assertThat(RUNTIME.runtimeClassName(spec(WorkloadIsolation.CONTAINER, "wasm")))
                .contains("wasm");
        assertThat(RUNTIME.runtimeClassName(spec(null, "wasm"))).contains("wasm");
    }

    @Test
    void theMessageOfAMissingRuntimeClassNamesTheIsolationTheClassAndTheSetting() {
        assertThat(RUNTIME.notFoundMessage(spec(WorkloadIsolation.VM, null)))
                .isEqualTo(
                        "spec.isolation vm runs pods in RuntimeClass kata-qemu (operator setting "
                                + "terrarium.isolation.vm-runtime-class), which does not exist in "
                                + "the cluster (kubectl get runtimeclass); no pods are created or "
                                + "changed until it does.");
        assertThat(RUNTIME.notFoundMessage(spec(WorkloadIsolation.SANDBOXED, null)))
                .contains("spec.isolation sandboxed")
                .contains("RuntimeClass runsc-class")
                .contains("terrarium.isolation.sandboxed-runtime-class");
        assertThat(RUNTIME.notFoundMessage(spec(null, "wasm")))
                .startsWith("spec.runtimeClassName names RuntimeClass wasm, which does not exist");
    }
}

package dev.terrarium.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerStatesTest {

    private static ContainerStatus terminated(String name, int exitCode) {
        return new ContainerStatusBuilder()
                .withName(name)
                .withNewState()
                .withNewTerminated()
                .withExitCode(exitCode)
                .endTerminated()
                .endState()
                .build();
    }

    private static Pod pod(String name, String created) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withCreationTimestamp(created)
                .endMetadata()
                .withNewStatus()
                .withInitContainerStatuses(terminated("build", 3))
                .withContainerStatuses(
                        terminated("push", 0), new ContainerStatusBuilder().withName("x").build())
                .endStatus()
                .build();
    }

    @Test
    void findsInitContainersAndContainersByName() {
        Pod pod = pod("p", "2026-01-01T00:00:00Z");

        assertThat(ContainerStates.of(pod, "build"))
                .hasValueSatisfying(
                        s -> assertThat(s.getState().getTerminated().getExitCode()).isEqualTo(3));
        assertThat(ContainerStates.of(pod, "push"))
                .hasValueSatisfying(
                        s -> assertThat(s.getState().getTerminated().getExitCode()).isZero());
    }

    @Test
    void aContainerWithoutStateOrStatusIsNotFound() {
        Pod pod = pod("p", "2026-01-01T00:00:00Z");

        assertThat(ContainerStates.of(pod, "x")).isEmpty();
        assertThat(ContainerStates.of(pod, "absent")).isEmpty();
        assertThat(ContainerStates.of(new PodBuilder().build(), "build")).isEmpty();
    }

    @Test
    void theNewestPodIsTheLastCreated() {
        assertThat(
                        ContainerStates.newest(
                                        List.of(
                                                pod("old", "2026-01-01T00:00:00Z"),
                                                pod("new", "2026-01-01T00:05:00Z")))
                                .map(p -> p.getMetadata().getName()))
                .contains("new");
    }
}

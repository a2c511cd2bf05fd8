package dev.terrarium.kube;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads the state of one named container out of pod statuses, init containers included. */
public final class ContainerStates {

    private ContainerStates() {}

    /**
     * The status of the container (or init container) of that name, once the kubelet reported a
     * state.
     */
    public static Optional<ContainerStatus> of(Pod pod, String container) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        return Stream.concat(
                        nullSafe(pod.getStatus().getInitContainerStatuses()),
                        nullSafe(pod.getStatus().getContainerStatuses()))
                .filter(s -> container.equals(s.getName()) && s.getState() != null)
                .findFirst();
    }

    /**
     * The most recently created pod, when there are several (a Job that was retried, a Deployment
     * mid-rollout).
     */
    public static Optional<Pod> newest(Collection<Pod> pods) {
        return pods.stream().max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()));
    }

    private static Stream<ContainerStatus> nullSafe(List<ContainerStatus> statuses) {
        return statuses == null ? Stream.empty() : statuses.stream();
    }
}

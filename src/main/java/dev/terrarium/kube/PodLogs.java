package dev.terrarium.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/** A container's log, read through the API server (the kubelet serves it). */
public final class PodLogs {

    public static final int LINES = 40;

    private PodLogs() {}

    /**
     * The last {@link #LINES} lines of the container's log as {@link LogTail} shows them, or a
     * sentence saying why there are none.
     */
    public static String tail(KubernetesClient client, Pod pod, String container) {
        try {
            String log = lastLinesOrThrow(client, pod, container);
            return log == null || log.isBlank()
                    ? "(the container wrote no log)"
                    : LogTail.last(log, LINES);
        } catch (KubernetesClientException e) {
            return "(log unavailable: " + e.getMessage() + ")";
        }
    }

    /**
     * The last {@link #LINES} lines as {@link LogTail} shows them; empty while the container has
     * written nothing or its log cannot be read yet.
     */
    public static Optional<String> lastLines(KubernetesClient client, Pod pod, String container) {
        try {
            return Optional.ofNullable(lastLinesOrThrow(client, pod, container))
                    .filter(log -> !log.isBlank())
                    .map(log -> LogTail.last(log, LINES));
        } catch (KubernetesClientException e) {
            return Optional.empty();
        }
    }

    private static String lastLinesOrThrow(KubernetesClient client, Pod pod, String container) {
        return client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .inContainer(container)
                .tailingLines(LINES)
                .getLog();
    }

    /** The whole log up to {@code maxBytes}; empty when the kubelet cannot serve it. */
    public static Optional<String> read(
            KubernetesClient client, Pod pod, String container, int maxBytes) {
        try {
            return Optional.ofNullable(
                    client.pods()
                            .inNamespace(pod.getMetadata().getNamespace())
                            .withName(pod.getMetadata().getName())
                            .inContainer(container)
                            .limitBytes(maxBytes)
                            .getLog());
        } catch (KubernetesClientException e) {
            return Optional.empty();
        }
    }
}

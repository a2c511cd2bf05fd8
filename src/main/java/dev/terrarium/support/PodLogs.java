package dev.terrarium.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The last lines of a container's log, for failure reports. */
public final class PodLogs {

    public static final int LINES = 40;

    private PodLogs() {
    }

    /** The last {@link #LINES} lines of the container's log, or a sentence saying why there are none. */
    public static String tail(KubernetesClient client, Pod pod, String container) {
        try {
            String log = client.pods().inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName()).inContainer(container).tailingLines(LINES).getLog();
            return log == null || log.isBlank() ? "(the container wrote no log)" : log.stripTrailing();
        } catch (KubernetesClientException e) {
            return "(log unavailable: " + e.getMessage() + ")";
        }
    }
}

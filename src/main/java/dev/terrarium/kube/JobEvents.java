package dev.terrarium.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/** What the Job controller reported about a Job, read from the Job's events. */
public final class JobEvents {

    /** The Job controller's reason when the API server refuses the Job's pod. */
    public static final String FAILED_CREATE = "FailedCreate";

    private JobEvents() {}

    /**
     * The API server's message of the newest {@code FailedCreate} event on this very Job (matched
     * by uid, so an event about an older Job of the same name does not count), or empty when there
     * is none or events cannot be read.
     */
    public static Optional<String> failedCreate(KubernetesClient client, Job job) {
        try {
            return client
                    .v1()
                    .events()
                    .inNamespace(job.getMetadata().getNamespace())
                    .withField("involvedObject.kind", "Job")
                    .withField("involvedObject.name", job.getMetadata().getName())
                    .withField("reason", FAILED_CREATE)
                    .list()
                    .getItems()
                    .stream()
                    .filter(
                            e ->
                                    Objects.equals(
                                            e.getInvolvedObject().getUid(),
                                            job.getMetadata().getUid()))
                    .max(Comparator.comparing(JobEvents::when))
                    .map(Event::getMessage);
        } catch (KubernetesClientException e) {
            return Optional.empty();
        }
    }

    private static String when(Event event) {
        String last =
                event.getLastTimestamp() != null
                        ? event.getLastTimestamp()
                        : event.getMetadata().getCreationTimestamp();
        return last == null ? "" : last;
    }
}

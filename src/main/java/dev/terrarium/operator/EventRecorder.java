package dev.terrarium.operator;

import dev.terrarium.naming.Names;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Records Kubernetes Events on Terrarium's objects, as kubectl describe shows them. Callers emit
 * only on transitions, so an operator at rest writes none. A failure to record is logged, never
 * fatal: events are advisory.
 */
@ApplicationScoped
public class EventRecorder {

    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;

    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    public void normal(HasMetadata object, String reason, String message) {
        record(object, NORMAL, reason, message);
    }

    public void warning(HasMetadata object, String reason, String message) {
        record(object, WARNING, reason, message);
    }

    private void record(HasMetadata object, String type, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String name =
                Names.event(
                        object.getMetadata().getName(),
                        Long.toHexString(System.nanoTime())
                                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000)));
        var event =
                new EventBuilder()
                        .withNewMetadata()
                        .withName(name.toLowerCase(Locale.ROOT))
                        .withNamespace(object.getMetadata().getNamespace())
                        .endMetadata()
                        .withInvolvedObject(
                                new ObjectReferenceBuilder()
                                        .withApiVersion(object.getApiVersion())
                                        .withKind(object.getKind())
                                        .withName(object.getMetadata().getName())
                                        .withNamespace(object.getMetadata().getNamespace())
                                        .withUid(object.getMetadata().getUid())
                                        .withResourceVersion(
                                                object.getMetadata().getResourceVersion())
                                        .build())
                        .withType(type)
                        .withReason(reason)
                        .withMessage(
                                message.length() > MAX_MESSAGE
                                        ? message.substring(0, MAX_MESSAGE)
                                        : message)
                        .withFirstTimestamp(now)
                        .withLastTimestamp(now)
                        .withCount(1)
                        .withNewSource()
                        .withComponent("terrarium")
                        .endSource()
                        .withReportingComponent("terrarium.dev/operator")
                        .build();
        try {
            client.v1()
                    .events()
                    .inNamespace(object.getMetadata().getNamespace())
                    .resource(event)
                    .create();
        } catch (KubernetesClientException e) {
            LOG.warnf(
                    "could not record event %s on %s/%s: %s",
                    reason, object.getKind(), object.getMetadata().getName(), e.getMessage());
        }
    }
}

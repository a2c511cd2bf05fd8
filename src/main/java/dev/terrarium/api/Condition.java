package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** One aspect of an object's state, shaped exactly like Kubernetes' metav1.Condition. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "type",
    "status",
    "observedGeneration",
    "lastTransitionTime",
    "reason",
    "message"
})
public class Condition {

    public static final String READY = "Ready";
    public static final String RECONCILING = "Reconciling";
    public static final String STALLED = "Stalled";

    /**
     * True while the spec holds something accepted but read past (an environment.yml key that says
     * nothing Terrarium builds); absent otherwise.
     */
    public static final String WARNING = "Warning";

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    @Required
    @Size(max = 316)
    @Pattern(
            "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$")
    @JsonPropertyDescription(
            "Type of the condition: Ready, Reconciling or Stalled; on an Environment also Warning.")
    private String type;

    @Required
    @Pattern("^(True|False|Unknown)$")
    @JsonPropertyDescription("Status of the condition: True, False or Unknown.")
    private String status;

    @Min(0)
    @JsonPropertyDescription(
            "The metadata.generation of the object that this condition was set from.")
    private Long observedGeneration;

    @Required
    @JsonPropertyDescription(
            "When the condition last changed from one status to another (RFC 3339).")
    private String lastTransitionTime;

    @Required
    @Size(min = 1, max = 1024)
    @Pattern("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")
    @JsonPropertyDescription("A CamelCase word saying why the condition is in its status.")
    private String reason;

    @Required
    @Size(max = 32768)
    @JsonPropertyDescription("A human-readable explanation of the status.")
    private String message;

    public Condition() {}

    public Condition(
            String type,
            String status,
            String reason,
            String message,
            Long observedGeneration,
            String lastTransitionTime) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
        this.observedGeneration = observedGeneration;
        this.lastTransitionTime = lastTransitionTime;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getLastTransitionTime() {
        return lastTransitionTime;
    }

    public void setLastTransitionTime(String lastTransitionTime) {
        this.lastTransitionTime = lastTransitionTime;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Condition c)) {
            return false;
        }
        return Objects.equals(type, c.type)
                && Objects.equals(status, c.status)
                && Objects.equals(observedGeneration, c.observedGeneration)
                && Objects.equals(lastTransitionTime, c.lastTransitionTime)
                && Objects.equals(reason, c.reason)
                && Objects.equals(message, c.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, status, observedGeneration, lastTransitionTime, reason, message);
    }

    @Override
    public String toString() {
        return type + "=" + status + " (" + reason + ": " + message + ")";
    }
}

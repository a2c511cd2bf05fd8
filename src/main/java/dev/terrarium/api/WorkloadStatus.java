package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** What runs. */
@JsonClassDescription(
        "What runs now: the image rolled out, the replicas or Job outcome, and conditions.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadStatus {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription(
            "WaitingForEnvironment, Progressing, Running, Stopped, Succeeded, Failed or Degraded.")
    private WorkloadPhase phase;

    @JsonPropertyDescription("The image actually deployed, pinned by digest.")
    private String image;

    @StatusReplicas
    @JsonPropertyDescription(
            "Pods desired (mode: Service); the scale subresource's status.replicas.")
    private Integer replicas;

    @LabelSelector
    @JsonPropertyDescription(
            "Label selector of the Workload's pods (mode: Service), as a string; the scale "
                    + "subresource's selector, which a HorizontalPodAutoscaler uses to find the pods.")
    private String selector;

    @JsonPropertyDescription("Pods ready (mode: Service).")
    private Integer readyReplicas;

    @JsonPropertyDescription("readyReplicas/replicas, for kubectl get.")
    private String ready;

    @JsonPropertyDescription(
            "Where the Service answers: <service>.<namespace>.svc:<port>, comma-separated for "
                    + "several ports.")
    private String endpoint;

    @JsonPropertyDescription("Exit code of the Job's container (mode: Job), once it terminated.")
    private Integer exitCode;

    @JsonPropertyDescription("The last 40 lines of the failed Job's log (mode: Job).")
    private String logTail;

    @JsonPropertyDescription("Ready, Reconciling and Stalled, as metav1.Condition.")
    private List<Condition> conditions = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public WorkloadPhase getPhase() {
        return phase;
    }

    public void setPhase(WorkloadPhase phase) {
        this.phase = phase;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getSelector() {
        return selector;
    }

    public void setSelector(String selector) {
        this.selector = selector;
    }

    public Integer getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
        this.readyReplicas = readyReplicas;
    }

    public String getReady() {
        return ready;
    }

    public void setReady(String ready) {
        this.ready = ready;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public Integer getExitCode() {
        return exitCode;
    }

    public void setExitCode(Integer exitCode) {
        this.exitCode = exitCode;
    }

    public String getLogTail() {
        return logTail;
    }

    public void setLogTail(String logTail) {
        this.logTail = logTail;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}

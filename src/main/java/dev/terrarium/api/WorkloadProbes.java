package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The container's probes, in the shape of Kubernetes' Probe so that a probe copied from a
 * Deployment works as it is, but with bounded numbers and strings and no host: a probe checks the
 * pod itself.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadProbes {

    private static final String ONE_SUCCESS =
            "!has(self.successThreshold) || self.successThreshold == 1";

    @JsonPropertyDescription(
            "When the container may receive traffic: its Service sends requests only to ready "
                    + "pods, and the Workload is Ready when every desired pod is. When unset, see "
                    + "defaultReadiness.")
    private WorkloadProbe readiness;

    @ValidationRule(
            value = ONE_SUCCESS,
            message = "probes.liveness.successThreshold must be 1 for a liveness probe")
    @JsonPropertyDescription(
            "When the container is restarted: a process that stops answering this probe is "
                    + "killed and started again. None by default.")
    private WorkloadProbe liveness;

    @ValidationRule(
            value = ONE_SUCCESS,
            message = "probes.startup.successThreshold must be 1 for a startup probe")
    @JsonPropertyDescription(
            "Holds the other probes back until the container has started, for servers that load "
                    + "for a long time (a model, a large notebook). None by default.")
    private WorkloadProbe startup;

    @JsonPropertyDescription(
            "Without a readiness probe, a Workload of mode Service with ports gets one: a TCP "
                    + "check of its first TCP port every 10 seconds, so that it is Ready only once "
                    + "the server listens. False turns that off. Defaults to true.")
    private Boolean defaultReadiness;

    public WorkloadProbe getReadiness() {
        return readiness;
    }

    public void setReadiness(WorkloadProbe readiness) {
        this.readiness = readiness;
    }

    public WorkloadProbe getLiveness() {
        return liveness;
    }

    public void setLiveness(WorkloadProbe liveness) {
        this.liveness = liveness;
    }

    public WorkloadProbe getStartup() {
        return startup;
    }

    public void setStartup(WorkloadProbe startup) {
        this.startup = startup;
    }

    public Boolean getDefaultReadiness() {
        return defaultReadiness;
    }

    public void setDefaultReadiness(Boolean defaultReadiness) {
        this.defaultReadiness = defaultReadiness;
    }
}

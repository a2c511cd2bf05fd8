package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** How a build Job runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildOptions {

    @JsonPropertyDescription(
            "Image builder: buildah (rootless, in the operator's builder image), the only one and the "
                    + "default. BuildKit and kaniko were removed (see docs/api.md).")
    private BuildStrategy strategy;

    @Pattern(Patterns.DURATION)
    @Size(min = 2, max = 16)
    @ValidationRule(
            value = Patterns.TIMEOUT_BOUNDS,
            message = "timeout must be longer than 0s and at most 24h")
    @JsonPropertyDescription(
            "Longest time a build may run before it fails with DeadlineExceeded, as a duration "
                    + "such as 30m or 1h30m, at most 24h. Defaults to 30m.")
    private String timeout;

    @ValidationRule(
            value = Patterns.RESOURCE_NAMES,
            message =
                    "resources are cpu, memory, ephemeral-storage, "
                            + "hugepages-<size> or an extended resource such as nvidia.com/gpu")
    @ValidationRule(
            value = Patterns.REQUESTS_WITHIN_LIMITS,
            message = "a cpu or memory request must not exceed " + "its limit")
    @JsonPropertyDescription(
            "CPU and memory requests and limits of the build container, each a quantity greater than zero such as 500m, 2 or 4Gi.")
    private ResourceRequirements resources;

    @Size(max = 32)
    @JsonPropertyDescription("Node labels the build pod must match.")
    private Map<String, String> nodeSelector;

    @Size(max = 32)
    @JsonPropertyDescription("Tolerations of the build pod.")
    private List<Toleration> tolerations;

    public BuildStrategy getStrategy() {
        return strategy;
    }

    public void setStrategy(BuildStrategy strategy) {
        this.strategy = strategy;
    }

    public String getTimeout() {
        return timeout;
    }

    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }
}

package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** The resolved builder and pod settings of one build. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildSettings {

    @JsonPropertyDescription("buildkit, kaniko or buildah.")
    private BuildStrategy strategy;

    @JsonPropertyDescription("Builder image, pinned.")
    private String builderImage;

    @JsonPropertyDescription("uv version installed into venv builds.")
    private String uvVersion;

    @JsonPropertyDescription("Whether the registry is spoken to over plain HTTP (operator setting registry.insecure).")
    private Boolean insecureRegistry;

    @JsonPropertyDescription("Service account of the build pod; its API token is never mounted.")
    private String serviceAccountName;

    @JsonPropertyDescription("Deadline of the build Job in seconds.")
    private Long timeoutSeconds;

    @JsonPropertyDescription("Resources of the build container.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("Node labels the build pod must match.")
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription("Tolerations of the build pod.")
    private List<Toleration> tolerations;

    public BuildStrategy getStrategy() {
        return strategy;
    }

    public void setStrategy(BuildStrategy strategy) {
        this.strategy = strategy;
    }

    public String getBuilderImage() {
        return builderImage;
    }

    public void setBuilderImage(String builderImage) {
        this.builderImage = builderImage;
    }

    public Long getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public void setTimeoutSeconds(Long timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
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

    public String getUvVersion() {
        return uvVersion;
    }

    public void setUvVersion(String uvVersion) {
        this.uvVersion = uvVersion;
    }

    public Boolean getInsecureRegistry() {
        return insecureRegistry;
    }

    public void setInsecureRegistry(Boolean insecureRegistry) {
        this.insecureRegistry = insecureRegistry;
    }

    public String getServiceAccountName() {
        return serviceAccountName;
    }

    public void setServiceAccountName(String serviceAccountName) {
        this.serviceAccountName = serviceAccountName;
    }
}

package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** The resolved builder and pod settings of one build. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildSettings {

    /**
     * Longest build deadline: a day. The Job controller turns the deadline into nanoseconds in a
     * signed 64-bit duration, which overflows past about 292 years and fails the build at once.
     */
    public static final long MAX_TIMEOUT_SECONDS = 86_400;

    @JsonPropertyDescription("The image builder: buildah.")
    private BuildStrategy strategy;

    @JsonPropertyDescription("Builder image (operator setting builds.image), pinned.")
    private String builderImage;

    @JsonPropertyDescription("uv version installed into venv builds.")
    private String uvVersion;

    @JsonPropertyDescription(
            "Image of the conda stage of conda builds (py-rattler, uv, terrarium-conda), pinned.")
    private String condaImage;

    @JsonPropertyDescription("Channel priority of conda solves: strict, flexible or disabled.")
    private String channelPriority;

    @JsonPropertyDescription(
            "Base URL under which conda channel names are found, when the operator sets one.")
    private String channelAlias;

    @JsonPropertyDescription(
            "Index URL (a PyPI mirror, operator setting builds.pipIndexUrl) used when the"
                    + " environment names none; not part of the content hash.")
    private String pipIndexUrl;

    @JsonPropertyDescription(
            "ConfigMap in the build namespace with the PEM CA bundle the build trusts (operator"
                    + " setting builds.caBundle); not part of the content hash.")
    private String caBundle;

    @JsonPropertyDescription("Key of caBundle that holds the PEM certificates.")
    private String caBundleKey;

    @JsonPropertyDescription(
            "HTTP_PROXY of the build pod (operator setting builds.httpProxy); not part of the"
                    + " content hash.")
    private String httpProxy;

    @JsonPropertyDescription(
            "HTTPS_PROXY of the build pod (operator setting builds.httpsProxy); not part of the"
                    + " content hash.")
    private String httpsProxy;

    @JsonPropertyDescription(
            "NO_PROXY of the build pod (operator setting builds.noProxy); not part of the content"
                    + " hash.")
    private String noProxy;

    @JsonPropertyDescription(
            "Whether the registry is spoken to over plain HTTP (operator setting registry.insecure).")
    private Boolean insecureRegistry;

    @JsonPropertyDescription("Service account of the build pod; its API token is never mounted.")
    private String serviceAccountName;

    @Min(1)
    @Max(MAX_TIMEOUT_SECONDS)
    @JsonPropertyDescription("Deadline of the build Job in seconds, at most a day.")
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

    public String getCondaImage() {
        return condaImage;
    }

    public void setCondaImage(String condaImage) {
        this.condaImage = condaImage;
    }

    public String getChannelPriority() {
        return channelPriority;
    }

    public void setChannelPriority(String channelPriority) {
        this.channelPriority = channelPriority;
    }

    public String getChannelAlias() {
        return channelAlias;
    }

    public void setChannelAlias(String channelAlias) {
        this.channelAlias = channelAlias;
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

    public String getPipIndexUrl() {
        return pipIndexUrl;
    }

    public void setPipIndexUrl(String pipIndexUrl) {
        this.pipIndexUrl = pipIndexUrl;
    }

    public String getCaBundle() {
        return caBundle;
    }

    public void setCaBundle(String caBundle) {
        this.caBundle = caBundle;
    }

    public String getCaBundleKey() {
        return caBundleKey;
    }

    public void setCaBundleKey(String caBundleKey) {
        this.caBundleKey = caBundleKey;
    }

    public String getHttpProxy() {
        return httpProxy;
    }

    public void setHttpProxy(String httpProxy) {
        this.httpProxy = httpProxy;
    }

    public String getHttpsProxy() {
        return httpsProxy;
    }

    public void setHttpsProxy(String httpsProxy) {
        this.httpsProxy = httpsProxy;
    }

    public String getNoProxy() {
        return noProxy;
    }

    public void setNoProxy(String noProxy) {
        this.noProxy = noProxy;
    }
}

package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** What happened to one build. */
@JsonClassDescription(
        "What happened to one build: its phase, times, the pushed digest, the log tail and a failure's reason.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImageBuildStatus {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Queued, Running, Succeeded or Failed.")
    private ImageBuildPhase phase;

    @JsonPropertyDescription(
            "True when the image was found in the registry or taken from an equal build, so no "
                    + "build ran for this ImageBuild.")
    private Boolean cacheHit;

    @JsonPropertyDescription("Digest of the pushed image (sha256:...).")
    private String digest;

    @JsonPropertyDescription("The image pinned by digest: repository@sha256:...")
    private String image;

    @JsonPropertyDescription(
            "Namespace/name of the ImageBuild whose Job built the image, when this one waited for it.")
    private String sharedBuild;

    @JsonPropertyDescription("When the build Job started (RFC 3339).")
    private String startTime;

    @JsonPropertyDescription("When the build finished (RFC 3339).")
    private String completionTime;

    @JsonPropertyDescription("How long the build took, such as 1m23s.")
    private String duration;

    @JsonPropertyDescription(
            "Name of the build Job: in the operator's build namespace when builds run there"
                    + " (terrarium.builds.namespace), else in this namespace.")
    private String jobName;

    @JsonPropertyDescription("Name of the build pod.")
    private String podName;

    @JsonPropertyDescription("Why the build failed, when it did.")
    private BuildFailure failure;

    @JsonPropertyDescription("The resolved package lock the build printed.")
    private LockStatus lock;

    @JsonPropertyDescription(
            "The last lines of the build log, refreshed while the build runs (at most every 15 s), "
                    + "then the log's end as it finished. The build Job itself may live in a namespace "
                    + "tenants cannot read.")
    private String logTail;

    @JsonPropertyDescription(
            "ConfigMap in this namespace, owned by this ImageBuild, whose key log holds the build's "
                    + "log (its last 512 KiB) once the build ended.")
    private String logConfigMap;

    @JsonPropertyDescription("Ready, Reconciling and Stalled, as metav1.Condition.")
    private List<Condition> conditions = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public ImageBuildPhase getPhase() {
        return phase;
    }

    public void setPhase(ImageBuildPhase phase) {
        this.phase = phase;
    }

    public Boolean getCacheHit() {
        return cacheHit;
    }

    public void setCacheHit(Boolean cacheHit) {
        this.cacheHit = cacheHit;
    }

    public String getDigest() {
        return digest;
    }

    public void setDigest(String digest) {
        this.digest = digest;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getSharedBuild() {
        return sharedBuild;
    }

    public void setSharedBuild(String sharedBuild) {
        this.sharedBuild = sharedBuild;
    }

    public String getStartTime() {
        return startTime;
    }

    public void setStartTime(String startTime) {
        this.startTime = startTime;
    }

    public String getCompletionTime() {
        return completionTime;
    }

    public void setCompletionTime(String completionTime) {
        this.completionTime = completionTime;
    }

    public String getDuration() {
        return duration;
    }

    public void setDuration(String duration) {
        this.duration = duration;
    }

    public String getJobName() {
        return jobName;
    }

    public void setJobName(String jobName) {
        this.jobName = jobName;
    }

    public String getPodName() {
        return podName;
    }

    public void setPodName(String podName) {
        this.podName = podName;
    }

    public BuildFailure getFailure() {
        return failure;
    }

    public void setFailure(BuildFailure failure) {
        this.failure = failure;
    }

    public LockStatus getLock() {
        return lock;
    }

    public void setLock(LockStatus lock) {
        this.lock = lock;
    }

    public String getLogTail() {
        return logTail;
    }

    public void setLogTail(String logTail) {
        this.logTail = logTail;
    }

    public String getLogConfigMap() {
        return logConfigMap;
    }

    public void setLogConfigMap(String logConfigMap) {
        this.logConfigMap = logConfigMap;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}

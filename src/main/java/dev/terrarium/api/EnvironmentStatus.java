package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed and did for an Environment. */
@JsonClassDescription(
        "What the operator observed and did: the image the spec resolved to (pinned by digest), the current build, the lock, and conditions.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EnvironmentStatus {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Pending, Building, Ready, Failed or Invalid.")
    private EnvironmentPhase phase;

    @JsonPropertyDescription(
            "sha256 content hash of the normalised spec, the base image and the builder version; "
                    + "the image tag.")
    private String specHash;

    @JsonPropertyDescription("Python version resolved from the spec.")
    private String python;

    @JsonPropertyDescription("Package manager resolved from the spec: conda or venv.")
    private String manager;

    @JsonPropertyDescription(
            "The last successfully built image, pinned by digest (repo@sha256:...). It stays while "
                    + "a newer build runs and after one fails.")
    private String image;

    @JsonPropertyDescription("Content hash that the image in 'image' was built from.")
    private String imageSpecHash;

    @JsonPropertyDescription("Name of the ImageBuild of the current spec.")
    private String latestBuild;

    @JsonPropertyDescription("The resolved package lock of the image in 'image'.")
    private LockStatus lock;

    @JsonPropertyDescription(
            "Each tag of spec.output.tags that the operator pushed or found in the registry, with "
                    + "the digest it points at. A tag not yet moved to a new build's image keeps "
                    + "the digest it had.")
    private List<TagStatus> tags;

    @JsonPropertyDescription("Ready, Reconciling and Stalled, as metav1.Condition.")
    private List<Condition> conditions = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public EnvironmentPhase getPhase() {
        return phase;
    }

    public void setPhase(EnvironmentPhase phase) {
        this.phase = phase;
    }

    public String getSpecHash() {
        return specHash;
    }

    public void setSpecHash(String specHash) {
        this.specHash = specHash;
    }

    public String getPython() {
        return python;
    }

    public void setPython(String python) {
        this.python = python;
    }

    public String getManager() {
        return manager;
    }

    public void setManager(String manager) {
        this.manager = manager;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getImageSpecHash() {
        return imageSpecHash;
    }

    public void setImageSpecHash(String imageSpecHash) {
        this.imageSpecHash = imageSpecHash;
    }

    public String getLatestBuild() {
        return latestBuild;
    }

    public void setLatestBuild(String latestBuild) {
        this.latestBuild = latestBuild;
    }

    public LockStatus getLock() {
        return lock;
    }

    public void setLock(LockStatus lock) {
        this.lock = lock;
    }

    public List<TagStatus> getTags() {
        return tags;
    }

    public void setTags(List<TagStatus> tags) {
        this.tags = tags;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}

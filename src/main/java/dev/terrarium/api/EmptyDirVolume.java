package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Scratch space for the pod's lifetime, in the shape of Kubernetes' EmptyDirVolumeSource. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EmptyDirVolume {

    @Pattern("^(|Memory)$")
    @JsonPropertyDescription(
            "Where the directory lives: \"\" (the default) on the node's disk, Memory in RAM (a "
                    + "tmpfs, counted against the container's memory limit), as /dev/shm needs.")
    private String medium;

    @Size(max = 64)
    @Pattern(Patterns.POSITIVE_QUANTITY)
    @JsonPropertyDescription(
            "Most the directory may hold, a quantity greater than zero such as 1Gi; a pod that "
                    + "writes more is evicted. Defaults to no limit (for Memory: the node's).")
    private String sizeLimit;

    public String getMedium() {
        return medium;
    }

    public void setMedium(String medium) {
        this.medium = medium;
    }

    public String getSizeLimit() {
        return sizeLimit;
    }

    public void setSizeLimit(String sizeLimit) {
        this.sizeLimit = sizeLimit;
    }
}

package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** An existing PersistentVolumeClaim mounted into the pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PersistentVolumeClaimVolume {

    @Required
    @Size(min = 1, max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription(
            "Name of the PersistentVolumeClaim, in the Workload's namespace. When the operator can "
                    + "read it and its accessModes include ReadWriteOnce or ReadWriteOncePod, the "
                    + "Deployment uses the Recreate strategy.")
    private String claimName;

    @JsonPropertyDescription("True mounts the claim read-only. Defaults to false.")
    private Boolean readOnly;

    public String getClaimName() {
        return claimName;
    }

    public void setClaimName(String claimName) {
        this.claimName = claimName;
    }

    public Boolean getReadOnly() {
        return readOnly;
    }

    public void setReadOnly(Boolean readOnly) {
        this.readOnly = readOnly;
    }
}

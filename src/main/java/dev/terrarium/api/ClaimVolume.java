package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A PersistentVolumeClaim the operator makes for a Workload, for work that outlives its pods (a
 * notebook's files). It outlives the Workload too unless whenDeleted says otherwise: data is never
 * lost by deleting a Workload that did not ask for it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClaimVolume {

    @Required
    @Size(max = 64)
    @Pattern(Patterns.POSITIVE_QUANTITY)
    @JsonPropertyDescription(
            "Storage requested, a quantity greater than zero such as 10Gi. A claim can grow (when "
                    + "its StorageClass allows expansion) but not shrink.")
    private String size;

    @Size(max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription(
            "StorageClass of the claim (kubectl get storageclass). Defaults to the cluster's "
                    + "default StorageClass. Fixed once the claim exists.")
    private String storageClassName;

    @JsonPropertyDescription(
            "Access mode of the claim: ReadWriteOnce (the default; the Deployment then uses the "
                    + "Recreate strategy), ReadWriteOncePod (likewise), ReadWriteMany or "
                    + "ReadOnlyMany. Fixed once the claim exists.")
    private ClaimAccessMode accessMode;

    @JsonPropertyDescription(
            "What happens to the claim, and its data, when the Workload is deleted: Retain (the "
                    + "default) keeps it, and a Workload of the same name made later mounts it "
                    + "again; Delete deletes it with the Workload (the claim then has the Workload "
                    + "as owner). Can be changed at any time.")
    private ClaimDeletion whenDeleted;

    public String getSize() {
        return size;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public String getStorageClassName() {
        return storageClassName;
    }

    public void setStorageClassName(String storageClassName) {
        this.storageClassName = storageClassName;
    }

    public ClaimAccessMode getAccessMode() {
        return accessMode;
    }

    public void setAccessMode(ClaimAccessMode accessMode) {
        this.accessMode = accessMode;
    }

    public ClaimDeletion getWhenDeleted() {
        return whenDeleted;
    }

    public void setWhenDeleted(ClaimDeletion whenDeleted) {
        this.whenDeleted = whenDeleted;
    }
}

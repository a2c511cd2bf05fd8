package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A volume of the Workload's pods, in the shape of Kubernetes' Volume for the sources it allows. A
 * node's own files (hostPath) are not among them: a Workload never reaches outside its pod.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value =
                "[has(self.persistentVolumeClaim), has(self.configMap), has(self.secret), "
                        + "has(self.emptyDir), has(self.claim)].filter(x, x).size() == 1",
        message =
                "a volume needs exactly one of persistentVolumeClaim, configMap, secret, emptyDir "
                        + "or claim (hostPath and other sources are not allowed)")
public class WorkloadVolume {

    @Required
    @Size(min = 1, max = 63)
    @Pattern(Patterns.LABEL_NAME)
    @JsonPropertyDescription(
            "Name of the volume, which volumeMounts refer to: a DNS-1123 label, unique among the "
                    + "Workload's volumes.")
    private String name;

    @JsonPropertyDescription(
            "An existing PersistentVolumeClaim of the namespace (docker run -v NAME:/path with a "
                    + "named volume).")
    private PersistentVolumeClaimVolume persistentVolumeClaim;

    @JsonPropertyDescription("The keys of a ConfigMap of the namespace, as files.")
    private ConfigMapVolume configMap;

    @JsonPropertyDescription("The keys of a Secret of the namespace, as files.")
    private SecretVolume secret;

    @JsonPropertyDescription(
            "An empty directory that lives as long as the pod: scratch space on the node's disk, or "
                    + "in memory with medium Memory (docker run --shm-size, mounted at /dev/shm).")
    private EmptyDirVolume emptyDir;

    @JsonPropertyDescription(
            "A PersistentVolumeClaim the operator creates for this Workload, named like the "
                    + "Workload (mode Service with at most one replica, at most one such volume). "
                    + "Kept when the Workload is deleted unless whenDeleted is Delete.")
    private ClaimVolume claim;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public PersistentVolumeClaimVolume getPersistentVolumeClaim() {
        return persistentVolumeClaim;
    }

    public void setPersistentVolumeClaim(PersistentVolumeClaimVolume persistentVolumeClaim) {
        this.persistentVolumeClaim = persistentVolumeClaim;
    }

    public ConfigMapVolume getConfigMap() {
        return configMap;
    }

    public void setConfigMap(ConfigMapVolume configMap) {
        this.configMap = configMap;
    }

    public SecretVolume getSecret() {
        return secret;
    }

    public void setSecret(SecretVolume secret) {
        this.secret = secret;
    }

    public EmptyDirVolume getEmptyDir() {
        return emptyDir;
    }

    public void setEmptyDir(EmptyDirVolume emptyDir) {
        this.emptyDir = emptyDir;
    }

    public ClaimVolume getClaim() {
        return claim;
    }

    public void setClaim(ClaimVolume claim) {
        this.claim = claim;
    }
}

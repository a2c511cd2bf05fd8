package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where a resolved package lock is kept. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LockStatus {

    @JsonPropertyDescription("Name of the ConfigMap holding the lock under the key 'lock'.")
    private String configMap;

    @JsonPropertyDescription("Number of packages in the lock.")
    private Integer packages;

    public LockStatus() {}

    public LockStatus(String configMap, Integer packages) {
        this.configMap = configMap;
        this.packages = packages;
    }

    public String getConfigMap() {
        return configMap;
    }

    public void setConfigMap(String configMap) {
        this.configMap = configMap;
    }

    public Integer getPackages() {
        return packages;
    }

    public void setPackages(Integer packages) {
        this.packages = packages;
    }
}

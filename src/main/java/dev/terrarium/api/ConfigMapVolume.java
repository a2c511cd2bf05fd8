package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The keys of a ConfigMap mounted as files, in the shape of Kubernetes' ConfigMapVolumeSource. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConfigMapVolume extends KeyFilesVolume {

    @Required
    @Size(min = 1, max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription("Name of the ConfigMap, in the Workload's namespace.")
    private String name;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}

package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The keys of a Secret mounted as files, in the shape of Kubernetes' SecretVolumeSource. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretVolume extends KeyFilesVolume {

    @Required
    @Size(min = 1, max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription("Name of the Secret, in the Workload's namespace.")
    private String secretName;

    public String getSecretName() {
        return secretName;
    }

    public void setSecretName(String secretName) {
        this.secretName = secretName;
    }
}

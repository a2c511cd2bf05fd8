package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Where an environment's image goes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EnvironmentOutput {

    @Size(max = 255)
    @Pattern(Patterns.REPOSITORY)
    @JsonPropertyDescription(
            "Image repository, without tag (for example registry.example.com/team/envs); the tag is "
                    + "the content hash. Defaults to the operator's repository, shared by all namespaces so that equal "
                    + "specs are built once.")
    private String image;

    @Size(max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription(
            "Name of a kubernetes.io/dockerconfigjson Secret in the namespace with push rights to "
                    + "the repository; the build mounts it and the operator uses it to look images up.")
    private String pushSecret;

    @Size(max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription(
            "Name of a kubernetes.io/dockerconfigjson Secret that Workloads use to pull the image. "
                    + "Defaults to pushSecret.")
    private String pullSecret;

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getPushSecret() {
        return pushSecret;
    }

    public void setPushSecret(String pushSecret) {
        this.pushSecret = pushSecret;
    }

    public String getPullSecret() {
        return pullSecret;
    }

    public void setPullSecret(String pullSecret) {
        this.pullSecret = pullSecret;
    }
}

package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Where an environment's image goes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.tags) || has(self.image)",
        message =
                "tags need output.image: the operator's shared repository holds every namespace's "
                        + "images, so there tenants would overwrite each other's tags (latest above "
                        + "all); set output.image to a repository of your own",
        fieldPath = ".tags")
@ValidationRule(
        value = "!has(self.tags) || self.tags.all(t, self.tags.exists_one(u, u == t))",
        message = "tags must be unique",
        fieldPath = ".tags")
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

    @Size(max = 16)
    @Items(maxLength = 128, pattern = Patterns.TAG)
    @JsonPropertyDescription(
            "Human tags such as v1.2 or latest (docker tag plus docker push): after a build of the "
                    + "current spec succeeds, or its image is found in the registry, each tag is "
                    + "pointed at that image's digest in output.image; a failed build moves none. "
                    + "Only with output.image. A tag dropped from the list stays in the registry "
                    + "where it pointed.")
    private List<String> tags;

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

    public List<String> getTags() {
        return tags;
    }

    public void setTags(List<String> tags) {
        this.tags = tags;
    }
}

package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where one of an Environment's tags points. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TagStatus {

    @JsonPropertyDescription("The tag, as in spec.output.tags.")
    private String name;

    @JsonPropertyDescription("The tagged image, repository:tag, as docker pull takes it.")
    private String image;

    @JsonPropertyDescription("The digest the tag points at (sha256:...).")
    private String digest;

    public TagStatus() {}

    public TagStatus(String name, String image, String digest) {
        this.name = name;
        this.image = image;
        this.digest = digest;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getDigest() {
        return digest;
    }

    public void setDigest(String digest) {
        this.digest = digest;
    }
}

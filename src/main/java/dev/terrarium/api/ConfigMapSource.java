package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A key of a ConfigMap holding an environment.yml, a requirements.txt, a pylock.toml, a conda
 * explicit file or a conda-lock.yml.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConfigMapSource {

    @Required
    @Size(max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription(
            "Name of the ConfigMap, in the Environment's namespace. Label it "
                    + "terrarium.dev/watch=true to rebuild as soon as it changes.")
    private String name;

    @Required
    @Size(max = 253)
    @Pattern("^[-._a-zA-Z0-9]*\\.(yml|yaml|txt|toml|lock)$")
    @JsonPropertyDescription(
            "Key of the file in the ConfigMap. A key named conda-lock.yml (or ending in "
                    + ".conda-lock.yml) is read as a conda-lock.yml, and a key whose text starts "
                    + "(after comments) with an @EXPLICIT line, or that ends in .lock, as a conda "
                    + "explicit file (both conda only); otherwise a key ending in .yml or .yaml is "
                    + "read as an environment.yml, one ending in .txt as a requirements.txt, one "
                    + "ending in .toml as a pylock.toml (venv only).")
    private String key;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }
}

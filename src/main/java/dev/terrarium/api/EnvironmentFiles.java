package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A verbatim environment file. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value =
                "[has(self.environmentYml), has(self.requirementsTxt), has(self.pylockToml)]"
                        + ".filter(x, x).size() == 1",
        message = "exactly one of environmentYml, requirementsTxt or pylockToml must be set")
public class EnvironmentFiles {

    @Size(max = 65536)
    @JsonPropertyDescription(
            "A conda environment.yml (name, channels, dependencies with an optional nested pip list), "
                    + "as written by conda env export --from-history.")
    private String environmentYml;

    @Size(max = 65536)
    @JsonPropertyDescription(
            "A pip requirements.txt: one PEP 508 requirement per line; comments and blank lines are "
                    + "allowed, options and -r includes are not.")
    private String requirementsTxt;

    @Size(max = 262144)
    @JsonPropertyDescription(
            "A PEP 751 pylock.toml (as uv export --format pylock.toml, uv pip compile -o pylock.toml "
                    + "and pip lock write it, or the pylock.toml key of a lock ConfigMap): uv installs "
                    + "exactly the listed artifacts, checking their hashes, and resolves nothing. "
                    + "Artifacts must be https URLs with a sha256, sha384 or sha512 hash. venv only.")
    private String pylockToml;

    public String getEnvironmentYml() {
        return environmentYml;
    }

    public void setEnvironmentYml(String environmentYml) {
        this.environmentYml = environmentYml;
    }

    public String getRequirementsTxt() {
        return requirementsTxt;
    }

    public void setRequirementsTxt(String requirementsTxt) {
        this.requirementsTxt = requirementsTxt;
    }

    public String getPylockToml() {
        return pylockToml;
    }

    public void setPylockToml(String pylockToml) {
        this.pylockToml = pylockToml;
    }
}

package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A verbatim environment file. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.environmentYml) != has(self.requirementsTxt)",
        message = "exactly one of environmentYml or requirementsTxt must be set")
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
}

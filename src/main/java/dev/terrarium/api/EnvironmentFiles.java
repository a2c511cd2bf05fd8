package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A verbatim environment file. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value =
                "[has(self.environmentYml), has(self.requirementsTxt), has(self.pylockToml),"
                        + " has(self.condaExplicit), has(self.condaLockYml)]"
                        + ".filter(x, x).size() == 1",
        message =
                "exactly one of environmentYml, requirementsTxt, pylockToml, condaExplicit or "
                        + "condaLockYml must be set")
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

    @Size(max = 262144)
    @JsonPropertyDescription(
            "A conda explicit file (as conda list --explicit --sha256 or --md5 writes it, or the "
                    + "explicit.txt key of a lock ConfigMap): @EXPLICIT, then one package URL per line "
                    + "ending in #<md5> or #sha256:<hex>. The build installs exactly these linux-64 "
                    + "and noarch archives, checking every hash, and solves nothing. URLs must be "
                    + "https (http only to 127.0.0.1 or localhost). conda only; python is the "
                    + "file's.")
    private String condaExplicit;

    @Size(max = 524288)
    @JsonPropertyDescription(
            "A conda-lock.yml (conda-lock's unified format, version 1). Its linux-64 entries that "
                    + "are not optional are installed exactly: the conda ones by URL, checking "
                    + "their sha256 or md5, then the pip ones with uv by URL in hash-checking mode "
                    + "(sha256), resolving nothing. conda only; python is the lock's.")
    private String condaLockYml;

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

    public String getCondaExplicit() {
        return condaExplicit;
    }

    public void setCondaExplicit(String condaExplicit) {
        this.condaExplicit = condaExplicit;
    }

    public String getCondaLockYml() {
        return condaLockYml;
    }

    public void setCondaLockYml(String condaLockYml) {
        this.condaLockYml = condaLockYml;
    }
}

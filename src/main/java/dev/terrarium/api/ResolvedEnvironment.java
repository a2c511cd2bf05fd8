package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A normalised environment: every default explicit, names lower-cased, lists sorted and
 * de-duplicated, whatever source (fields, environment.yml, requirements.txt) it came from. Equal
 * meaning gives equal objects.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "manager",
    "python",
    "baseImage",
    "channels",
    "packages",
    "pip",
    "pipHashes",
    "pipConstraints",
    "pipIndexes",
    "pylockToml",
    "condaExplicit",
    "condaLockedPip",
    "system",
    "env",
    "rebuildOfMovingReferences",
    "channelCredentialsNamespace",
    "gitSshKeyNamespace"
})
public class ResolvedEnvironment {

    @Required
    @JsonPropertyDescription("conda or venv.")
    private Manager manager;

    @Required
    @JsonPropertyDescription("Python version.")
    private String python;

    @Required
    @JsonPropertyDescription("Base image of the build.")
    private String baseImage;

    @JsonPropertyDescription("Conda channels in priority order (conda only).")
    private List<String> channels = new ArrayList<>();

    @JsonPropertyDescription("Canonical conda match specs, sorted (conda only).")
    private List<String> packages = new ArrayList<>();

    @JsonPropertyDescription("Canonical PEP 508 requirements, sorted.")
    private List<String> pip = new ArrayList<>();

    @JsonPropertyDescription(
            "Hash-checking mode (a requirements.txt with --hash options): the allowed hashes of "
                    + "each requirement's artifacts, as algorithm:hex, by normalised package name (an "
                    + "unnamed direct reference's by its URL). "
                    + "When set, every requirement has some and the build installs with "
                    + "--require-hashes; absent otherwise.")
    private Map<String, List<String>> pipHashes;

    @JsonPropertyDescription(
            "Constraints (the -c files of a requirements.txt): canonical PEP 508 requirements, "
                    + "sorted, that limit the versions pip installs without installing anything "
                    + "themselves. Absent when there are none (venv only).")
    private List<String> pipConstraints;

    @JsonPropertyDescription(
            "The package indexes the pip requirements come from; absent for the default index.")
    private ResolvedPipIndexes pipIndexes;

    @JsonPropertyDescription(
            "A pylock.toml (PEP 751) given as files.pylockToml or in a ConfigMap, verbatim: uv "
                    + "installs exactly its artifacts (venv only); absent otherwise.")
    private String pylockToml;

    @JsonPropertyDescription(
            "The conda artifacts of a lock file (files.condaExplicit, files.condaLockYml or a "
                    + "ConfigMap), one @EXPLICIT line each (url#sha256:<hex> or url#<md5>) in the "
                    + "file's order: installed exactly, without a solve (conda only); absent "
                    + "otherwise.")
    private List<String> condaExplicit;

    @JsonPropertyDescription(
            "The pip artifacts of a conda-lock.yml, one requirements line each (name @ url "
                    + "--hash=sha256:<hex>): installed after the conda ones in hash-checking mode, "
                    + "without resolving; absent otherwise.")
    private List<String> condaLockedPip;

    @JsonPropertyDescription("Debian packages, sorted.")
    private List<String> system = new ArrayList<>();

    @JsonPropertyDescription("Environment variables baked into the image, sorted by name.")
    private List<BakedEnvVar> env = new ArrayList<>();

    @JsonPropertyDescription(
            "<namespace>/<value> of the Environment's terrarium.dev/rebuild annotation, set only "
                    + "when pip has a direct reference that can move (a git branch, tag or no "
                    + "revision; an archive without a hash): part of the content hash, so that a new "
                    + "annotation value builds again and takes the newest the reference names, for "
                    + "this namespace only; absent otherwise.")
    private String rebuildOfMovingReferences;

    @JsonPropertyDescription(
            "The namespace whose Secrets give credentials for some of the channels (conda only); "
                    + "absent when none has credentials. Part of the content hash, so that a "
                    + "package from a private channel is never reused by another namespace.")
    private String channelCredentialsNamespace;

    @JsonPropertyDescription(
            "The namespace whose Secret (spec.gitSshSecretName) gives the SSH key of the git+ssh:// "
                    + "references; absent when there are none. Part of the content hash, so that "
                    + "code cloned with one namespace's key is never reused by another namespace.")
    private String gitSshKeyNamespace;

    public Manager getManager() {
        return manager;
    }

    public void setManager(Manager manager) {
        this.manager = manager;
    }

    public String getPython() {
        return python;
    }

    public void setPython(String python) {
        this.python = python;
    }

    public String getBaseImage() {
        return baseImage;
    }

    public void setBaseImage(String baseImage) {
        this.baseImage = baseImage;
    }

    public List<String> getChannels() {
        return channels;
    }

    public void setChannels(List<String> channels) {
        this.channels = channels;
    }

    public List<String> getPackages() {
        return packages;
    }

    public void setPackages(List<String> packages) {
        this.packages = packages;
    }

    public List<String> getPip() {
        return pip;
    }

    public void setPip(List<String> pip) {
        this.pip = pip;
    }

    public List<String> getPipConstraints() {
        return pipConstraints;
    }

    public void setPipConstraints(List<String> pipConstraints) {
        this.pipConstraints = pipConstraints;
    }

    public Map<String, List<String>> getPipHashes() {
        return pipHashes;
    }

    public void setPipHashes(Map<String, List<String>> pipHashes) {
        this.pipHashes = pipHashes;
    }

    public ResolvedPipIndexes getPipIndexes() {
        return pipIndexes;
    }

    public void setPipIndexes(ResolvedPipIndexes pipIndexes) {
        this.pipIndexes = pipIndexes;
    }

    public String getPylockToml() {
        return pylockToml;
    }

    public void setPylockToml(String pylockToml) {
        this.pylockToml = pylockToml;
    }

    public List<String> getCondaExplicit() {
        return condaExplicit;
    }

    public void setCondaExplicit(List<String> condaExplicit) {
        this.condaExplicit = condaExplicit;
    }

    public List<String> getCondaLockedPip() {
        return condaLockedPip;
    }

    public void setCondaLockedPip(List<String> condaLockedPip) {
        this.condaLockedPip = condaLockedPip;
    }

    public List<String> getSystem() {
        return system;
    }

    public void setSystem(List<String> system) {
        this.system = system;
    }

    public List<BakedEnvVar> getEnv() {
        return env;
    }

    public void setEnv(List<BakedEnvVar> env) {
        this.env = env;
    }

    public String getRebuildOfMovingReferences() {
        return rebuildOfMovingReferences;
    }

    public void setRebuildOfMovingReferences(String rebuildOfMovingReferences) {
        this.rebuildOfMovingReferences = rebuildOfMovingReferences;
    }

    public String getChannelCredentialsNamespace() {
        return channelCredentialsNamespace;
    }

    public void setChannelCredentialsNamespace(String channelCredentialsNamespace) {
        this.channelCredentialsNamespace = channelCredentialsNamespace;
    }

    public String getGitSshKeyNamespace() {
        return gitSshKeyNamespace;
    }

    public void setGitSshKeyNamespace(String gitSshKeyNamespace) {
        this.gitSshKeyNamespace = gitSshKeyNamespace;
    }
}

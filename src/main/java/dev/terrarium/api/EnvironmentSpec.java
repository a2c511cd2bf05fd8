package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * What an environment holds; either the fields (python, packages, pip, system) or one verbatim
 * file.
 */
@JsonClassDescription(
        "What the user asks for: the packages of one environment (conda or venv), or a verbatim file people already have (environment.yml, requirements.txt, pylock.toml, a conda explicit file or conda-lock.yml), and how and where its image is built and pushed.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value =
                "[has(self.packages) || has(self.pip) || has(self.channels), has(self.files), has(self.fromConfigMap)]"
                        + ".filter(x, x).size() <= 1",
        message =
                "at most one environment source may be set: the fields (packages, channels, pip), files, or fromConfigMap")
@ValidationRule(
        value = "!has(self.files) || !has(self.files.environmentYml) || !has(self.python)",
        message =
                "python must not be set together with files.environmentYml: the file says which python it wants")
@ValidationRule(
        value =
                "!has(self.files) || !has(self.files.pylockToml) || !has(self.manager) || self.manager == 'venv'",
        message =
                "files.pylockToml needs manager: venv (or no manager): uv installs a pylock.toml into a venv, conda cannot read one")
@ValidationRule(
        value =
                "!has(self.files) || !(has(self.files.condaExplicit) || has(self.files.condaLockYml))"
                        + " || ((!has(self.manager) || self.manager == 'conda') && !has(self.python))",
        message =
                "files.condaExplicit and files.condaLockYml need manager: conda (or no manager) and no python: the lock says which python it installs")
@ValidationRule(
        value =
                "!(has(self.manager) && self.manager == 'venv' && (has(self.packages) || has(self.channels)))",
        message = "packages and channels are conda match specs and need manager: conda")
public class EnvironmentSpec {

    @Pattern("^3\\.[0-9]+(\\.[0-9]+)?$")
    @JsonPropertyDescription(
            "Python version, X.Y or X.Y.Z (for example 3.12). Defaults to the python that the packages "
                    + "or the file ask for, else to the operator's default python.")
    private String python;

    @JsonPropertyDescription(
            "Package manager: conda (py-rattler) or venv (uv). Defaults to conda when packages, "
                    + "channels or an environment.yml is given, else venv.")
    private Manager manager;

    @Size(max = 500)
    @Items(maxLength = 256)
    @JsonPropertyDescription(
            "Conda match specs, as given to conda install: numpy, numpy==1.26.4, numpy>=1.26,<2, "
                    + "conda-forge::numpy=1.26, python=3.12.*.")
    private List<String> packages;

    @Size(max = 20)
    @Items(
            maxLength = PipIndex.MAX_URL_LENGTH,
            pattern =
                    "^([a-z0-9][a-z0-9._-]*(/[a-z0-9._-]+)*|[A-Za-z][A-Za-z0-9+.-]*://"
                            + "[A-Za-z0-9._~:/\\[\\]@!&()*+,;=%-]+)$")
    @ValidationRule(
            value =
                    "self.all(c, !c.contains('://') || (("
                            + "c.matches('^https://[^/?#]+') || c.matches('^http://(127[.]0[.]0[.]1|"
                            + "localhost|\\\\[::1\\\\])(:[0-9]+)?(/.*)?$'))"
                            + " && !c.matches('^[A-Za-z][A-Za-z0-9+.-]*://[^/]*@')))",
            message =
                    "a channel URL must start with https:// (http:// only to 127.0.0.1, "
                            + "localhost or [::1]) and must not hold credentials: name a Secret "
                            + "in channelCredentials")
    @ValidationRule(
            value = "self.all(c, c.contains('://') || c.size() <= 128)",
            message = "a channel name has at most 128 characters")
    @JsonPropertyDescription(
            "Conda channels in priority order: names, found under the operator's channel alias "
                    + "(conda-forge, bioconda), or URLs (https://conda.example.com/team; http only "
                    + "to a loopback host). Defaults to [conda-forge]. nodefaults is accepted and "
                    + "ignored.")
    private List<String> channels;

    @Size(max = ChannelCredentials.MAX_ENTRIES)
    @ValidationRule(
            value = "self.all(i, self.exists_one(j, j.url == i.url))",
            message = "channelCredentials must not list a URL twice")
    @JsonPropertyDescription(
            "Credentials of private conda channels: for a channel URL of spec.channels or of the "
                    + "environment.yml, the Secret that holds its username and password or token. "
                    + "They reach the build only as a build secret of its install step.")
    private List<ChannelCredentials> channelCredentials;

    @Size(max = 500)
    @Items(maxLength = 512)
    @JsonPropertyDescription(
            "PEP 508 requirements installed with pip (uv): requests, requests[socks]>=2.31, "
                    + "pandas==2.2.2; python_version >= \"3.10\", pkg @ https://host/pkg.whl.")
    private List<String> pip;

    @Size(max = 200)
    @Items(maxLength = 128, pattern = "^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$")
    @JsonPropertyDescription(
            "Operating system (Debian) packages installed before the environment, as name or "
                    + "name=version.")
    private List<String> system;

    @JsonPropertyDescription(
            "Package indexes for the pip requirements (of the fields or of a file): pip's "
                    + "--index-url, --extra-index-url and --find-links, each with an optional Secret "
                    + "of credentials. Merged with the same options written in a requirements.txt "
                    + "or an environment.yml.")
    private PipIndexes pipIndexes;

    @Size(max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription(
            "Name of a Secret in the Environment's namespace with the SSH key that clones the "
                    + "git+ssh:// references of the pip requirements (of the fields or of a file): "
                    + "key ssh-privatekey (an unencrypted private key, as a Secret of type "
                    + "kubernetes.io/ssh-auth holds it) and key known_hosts (the server's host "
                    + "keys; a build never trusts a host key it is not given). Required when a "
                    + "requirement is a git+ssh:// URL, ignored otherwise. The build reads them as "
                    + "build secrets of its install step only; they never reach the image, the "
                    + "build log or the build context.")
    private String gitSshSecretName;

    @JsonPropertyDescription("The environment as a verbatim file, instead of the fields.")
    private EnvironmentFiles files;

    @JsonPropertyDescription(
            "The environment as a verbatim file held in a ConfigMap of the same namespace.")
    private ConfigMapSource fromConfigMap;

    @Size(max = 512)
    @JsonPropertyDescription(
            "Base image of the build, overriding the operator's default for the manager "
                    + "(a glibc base image for conda, python:<X.Y>-slim for venv). Pin it by digest for reproducible builds.")
    private String baseImage;

    @Size(max = 100)
    @ValidationRule(
            value = "self.all(e, self.exists_one(f, f.name == e.name))",
            message = "env names must be unique")
    @JsonPropertyDescription("Environment variables baked into the image.")
    private List<BakedEnvVar> env;

    @JsonPropertyDescription("Where the image is pushed and which secrets push and pull it.")
    private EnvironmentOutput output;

    @JsonPropertyDescription("How the build Job runs: builder, timeout, resources and placement.")
    private BuildOptions build;

    @JsonPropertyDescription("How many finished ImageBuilds of this environment are kept.")
    private Retention retention;

    public String getPython() {
        return python;
    }

    public void setPython(String python) {
        this.python = python;
    }

    public Manager getManager() {
        return manager;
    }

    public void setManager(Manager manager) {
        this.manager = manager;
    }

    public List<String> getPackages() {
        return packages;
    }

    public void setPackages(List<String> packages) {
        this.packages = packages;
    }

    public List<ChannelCredentials> getChannelCredentials() {
        return channelCredentials;
    }

    public void setChannelCredentials(List<ChannelCredentials> channelCredentials) {
        this.channelCredentials = channelCredentials;
    }

    public List<String> getChannels() {
        return channels;
    }

    public void setChannels(List<String> channels) {
        this.channels = channels;
    }

    public List<String> getPip() {
        return pip;
    }

    public void setPip(List<String> pip) {
        this.pip = pip;
    }

    public List<String> getSystem() {
        return system;
    }

    public void setSystem(List<String> system) {
        this.system = system;
    }

    public PipIndexes getPipIndexes() {
        return pipIndexes;
    }

    public void setPipIndexes(PipIndexes pipIndexes) {
        this.pipIndexes = pipIndexes;
    }

    public String getGitSshSecretName() {
        return gitSshSecretName;
    }

    public void setGitSshSecretName(String gitSshSecretName) {
        this.gitSshSecretName = gitSshSecretName;
    }

    public EnvironmentFiles getFiles() {
        return files;
    }

    public void setFiles(EnvironmentFiles files) {
        this.files = files;
    }

    public ConfigMapSource getFromConfigMap() {
        return fromConfigMap;
    }

    public void setFromConfigMap(ConfigMapSource fromConfigMap) {
        this.fromConfigMap = fromConfigMap;
    }

    public String getBaseImage() {
        return baseImage;
    }

    public void setBaseImage(String baseImage) {
        this.baseImage = baseImage;
    }

    public List<BakedEnvVar> getEnv() {
        return env;
    }

    public void setEnv(List<BakedEnvVar> env) {
        this.env = env;
    }

    public EnvironmentOutput getOutput() {
        return output;
    }

    public void setOutput(EnvironmentOutput output) {
        this.output = output;
    }

    public BuildOptions getBuild() {
        return build;
    }

    public void setBuild(BuildOptions build) {
        this.build = build;
    }

    public Retention getRetention() {
        return retention;
    }

    public void setRetention(Retention retention) {
        this.retention = retention;
    }
}

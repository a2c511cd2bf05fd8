package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The immutable snapshot of what one build builds and where it pushes. */
@JsonClassDescription(
        "The immutable snapshot of what one build builds and where it pushes; written only by the operator.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "the spec of an ImageBuild is immutable")
public class ImageBuildSpec {

    @Required
    @Size(max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription("Name of the Environment this build belongs to.")
    private String environment;

    @Required
    @Pattern(Patterns.SPEC_HASH)
    @JsonPropertyDescription("Content hash of the environment; the image tag.")
    private String specHash;

    @Required
    @Size(max = 255)
    @Pattern(Patterns.REPOSITORY)
    @JsonPropertyDescription("Image repository the build pushes to, as repository:specHash.")
    private String repository;

    @Size(max = 253)
    @JsonPropertyDescription(
            "Name of the dockerconfigjson Secret used to push and to look the image up.")
    private String pushSecret;

    @Size(max = 31)
    @JsonPropertyDescription(
            "The package indexes that have credentials, each with the Secret of the "
                    + "ImageBuild's namespace that holds them (from the Environment's "
                    + "spec.pipIndexes). The operator turns them into a netrc file that only the "
                    + "build's install step reads, as a build secret.")
    private List<PipIndex> indexSecrets;

    @Size(max = ChannelCredentials.MAX_ENTRIES)
    @JsonPropertyDescription(
            "The conda channels that have credentials, each with the Secret of the ImageBuild's "
                    + "namespace that holds them and its scheme (from the Environment's "
                    + "spec.channelCredentials). The operator turns them into the authentication "
                    + "file of the conda installer, which only the build's conda step reads, as a "
                    + "build secret.")
    private List<ChannelCredentials> channelSecrets;

    @Size(max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription(
            "The Secret of the ImageBuild's namespace with the SSH key and known hosts that clone "
                    + "the git+ssh:// references (the Environment's spec.gitSshSecretName); only the "
                    + "build's install step reads them, as build secrets.")
    private String gitSshSecretName;

    @Size(max = 128)
    @JsonPropertyDescription(
            "Value of the Environment's terrarium.dev/rebuild annotation when this build was made; "
                    + "a new value retries a failed spec.")
    private String rebuild;

    @Required
    @JsonPropertyDescription("The normalised environment to build.")
    private ResolvedEnvironment resolved;

    @Required
    @JsonPropertyDescription("The builder and the pod settings of the build Job.")
    private BuildSettings build;

    public String getEnvironment() {
        return environment;
    }

    public void setEnvironment(String environment) {
        this.environment = environment;
    }

    public String getSpecHash() {
        return specHash;
    }

    public void setSpecHash(String specHash) {
        this.specHash = specHash;
    }

    public String getRepository() {
        return repository;
    }

    public void setRepository(String repository) {
        this.repository = repository;
    }

    public List<PipIndex> getIndexSecrets() {
        return indexSecrets;
    }

    public void setIndexSecrets(List<PipIndex> indexSecrets) {
        this.indexSecrets = indexSecrets;
    }

    public List<ChannelCredentials> getChannelSecrets() {
        return channelSecrets;
    }

    public void setChannelSecrets(List<ChannelCredentials> channelSecrets) {
        this.channelSecrets = channelSecrets;
    }

    public String getGitSshSecretName() {
        return gitSshSecretName;
    }

    public void setGitSshSecretName(String gitSshSecretName) {
        this.gitSshSecretName = gitSshSecretName;
    }

    public String getPushSecret() {
        return pushSecret;
    }

    public void setPushSecret(String pushSecret) {
        this.pushSecret = pushSecret;
    }

    public String getRebuild() {
        return rebuild;
    }

    public void setRebuild(String rebuild) {
        this.rebuild = rebuild;
    }

    public ResolvedEnvironment getResolved() {
        return resolved;
    }

    public void setResolved(ResolvedEnvironment resolved) {
        this.resolved = resolved;
    }

    /**
     * The image this build pushes, {@code repository:specHash}; equal targets are equal builds. Not
     * a getter, so it is no field of the resource.
     */
    public String target() {
        return repository + ":" + specHash;
    }

    public BuildSettings getBuild() {
        return build;
    }

    public void setBuild(BuildSettings build) {
        this.build = build;
    }
}

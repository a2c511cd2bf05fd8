package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The Secret of credentials for one conda channel URL. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ChannelCredentials {

    /** Most channels with credentials. */
    public static final int MAX_ENTRIES = 10;

    @Required
    @Size(min = 1, max = PipIndex.MAX_URL_LENGTH)
    @Pattern(PipIndex.URL_CHARACTERS)
    @ValidationRule(
            value = PipIndex.URL_SCHEME,
            message =
                    "url must start with https:// (http:// only to 127.0.0.1, localhost or [::1])")
    @ValidationRule(
            value = PipIndex.NO_USERINFO,
            message =
                    "url must not hold credentials (user:password@host): name a Secret in "
                            + "secretName instead")
    @JsonPropertyDescription(
            "A channel URL of the environment, as spec.channels or the environment.yml lists it "
                    + "(https://conda.example.com/team; a trailing slash does not matter).")
    private String url;

    @Required
    @Size(max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription(
            "Name of a Secret in the Environment's namespace with the channel's credentials: keys "
                    + "username and password (basic auth), or token alone (with scheme Basic, "
                    + "sent as the password of the login __token__, or of username when given). "
                    + "The build's conda step reads them as a build secret only; they never reach "
                    + "the image, the build log, the lock or the build context. Credentials are "
                    + "given per host: every channel of that host is sent the same ones.")
    private String secretName;

    @JsonPropertyDescription(
            "How the channel host takes the credentials: Basic (the default; HTTP basic auth), "
                    + "Bearer (the Secret's token in an Authorization: Bearer header, as "
                    + "prefix.dev takes it) or CondaToken (the Secret's token in the URL path, "
                    + "/t/<token>/, as anaconda.org and quetz take it). Bearer and CondaToken "
                    + "need the key token.")
    private ChannelAuthScheme scheme;

    public ChannelCredentials() {}

    public ChannelCredentials(String url, String secretName) {
        this.url = url;
        this.secretName = secretName;
    }

    public ChannelCredentials(String url, String secretName, ChannelAuthScheme scheme) {
        this(url, secretName);
        this.scheme = scheme;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getSecretName() {
        return secretName;
    }

    public void setSecretName(String secretName) {
        this.secretName = secretName;
    }

    public ChannelAuthScheme getScheme() {
        return scheme;
    }

    public void setScheme(ChannelAuthScheme scheme) {
        this.scheme = scheme;
    }
}

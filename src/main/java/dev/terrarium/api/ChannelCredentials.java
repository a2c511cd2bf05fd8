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
                    + "username and password (basic auth), or token alone (sent as the password "
                    + "of the login __token__, or of username when given). The build reads them "
                    + "as a netrc build secret during its install step only; they never reach the "
                    + "image, the build log or the build context. netrc gives one login per host: "
                    + "every channel and index of that host is sent the same credentials.")
    private String secretName;

    public ChannelCredentials() {}

    public ChannelCredentials(String url, String secretName) {
        this.url = url;
        this.secretName = secretName;
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
}

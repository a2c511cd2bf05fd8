package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One package index or find-links page, and the Secret of its credentials. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PipIndex {

    /** Longest URL: far beyond any real index URL, short enough to bound the rules' cost. */
    public static final int MAX_URL_LENGTH = 512;

    /**
     * Characters of an RFC 3986 URL, without quotes, backslashes, backticks, {@code $} or spaces:
     * the URL reaches the build in a requirements file, where pip expands {@code ${VAR}}.
     */
    public static final String URL_CHARACTERS = "^[A-Za-z0-9._~:/?#\\[\\]@!&()*+,;=%-]+$";

    /**
     * CEL: https, or http to a loopback host only (a test's or a node-local index; plain http to
     * anything else can be tampered with on the way).
     */
    public static final String URL_SCHEME =
            "self.matches('^https://[^/?#]+') || "
                    + "self.matches('^http://(127[.]0[.]0[.]1|localhost|\\\\[::1\\\\])(:[0-9]+)?([/?#].*)?$')";

    /** CEL: no user information before the host. */
    public static final String NO_USERINFO = "!self.matches('^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@')";

    @Required
    @Size(min = 1, max = MAX_URL_LENGTH)
    @Pattern(URL_CHARACTERS)
    @ValidationRule(
            value = URL_SCHEME,
            message =
                    "url must start with https:// (http:// only to 127.0.0.1, localhost or [::1])")
    @ValidationRule(
            value = NO_USERINFO,
            message =
                    "url must not hold credentials (user:password@host): name a Secret in "
                            + "secretName instead")
    @JsonPropertyDescription(
            "The URL: a PEP 503 simple index (https://packages.example.com/simple) for indexUrl and "
                    + "extraIndexUrls, an HTML page of links to archives for findLinks. https only "
                    + "(http only to a loopback host), without credentials.")
    private String url;

    @Size(max = 253)
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription(
            "Name of a Secret in the Environment's namespace with the index's credentials: keys "
                    + "username and password (basic auth), or token alone. The build reads them "
                    + "as a netrc build secret during its install step only; they never reach the "
                    + "image, the build log or the build context.")
    private String secretName;

    public PipIndex() {}

    public PipIndex(String url, String secretName) {
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

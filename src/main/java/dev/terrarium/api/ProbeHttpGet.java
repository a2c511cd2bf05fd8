package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;

/** An HTTP GET a probe sends to the pod; no host, so it never reaches another machine. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeHttpGet {

    @Size(max = 2048)
    @Pattern("^/.*$")
    @JsonPropertyDescription("The path, starting with /. Defaults to /.")
    private String path;

    @Required
    @Min(1)
    @Max(65535)
    @Size(min = 1, max = 15)
    @Pattern(WorkloadProbe.PORT_NAME)
    @JsonPropertyDescription("The port: a number, or the name of one of the Workload's ports.")
    private IntOrString port;

    @Pattern("^(HTTP|HTTPS)$")
    @JsonPropertyDescription("HTTP (default) or HTTPS; HTTPS does not verify the certificate.")
    private String scheme;

    @Size(max = 16)
    @JsonPropertyDescription("Headers sent with the request.")
    private List<ProbeHeader> httpHeaders;

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public IntOrString getPort() {
        return port;
    }

    public void setPort(IntOrString port) {
        this.port = port;
    }

    public String getScheme() {
        return scheme;
    }

    public void setScheme(String scheme) {
        this.scheme = scheme;
    }

    public List<ProbeHeader> getHttpHeaders() {
        return httpHeaders;
    }

    public void setHttpHeaders(List<ProbeHeader> httpHeaders) {
        this.httpHeaders = httpHeaders;
    }
}

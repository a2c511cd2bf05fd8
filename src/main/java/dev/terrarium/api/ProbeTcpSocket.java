package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.IntOrString;

/** A TCP connection a probe opens to the pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeTcpSocket {

    @Required
    @Min(1)
    @Max(65535)
    @Size(min = 1, max = 15)
    @Pattern(WorkloadProbe.PORT_NAME)
    @JsonPropertyDescription("The port: a number, or the name of one of the Workload's ports.")
    private IntOrString port;

    public ProbeTcpSocket() {}

    public ProbeTcpSocket(IntOrString port) {
        this.port = port;
    }

    public IntOrString getPort() {
        return port;
    }

    public void setPort(IntOrString port) {
        this.port = port;
    }
}

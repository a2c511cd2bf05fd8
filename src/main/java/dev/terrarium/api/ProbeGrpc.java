package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A gRPC health check of the pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeGrpc {

    @Required
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("The port number of the gRPC server.")
    private Integer port;

    @Size(max = 253)
    @JsonPropertyDescription(
            "The service name sent in the HealthCheckRequest. Defaults to the server's overall "
                    + "health.")
    private String service;

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getService() {
        return service;
    }

    public void setService(String service) {
        this.service = service;
    }
}

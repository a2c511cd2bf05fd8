package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A port the container listens on, published through the Workload's Service (docker run -p
 * port:containerPort).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadPort {

    @Required
    @Size(min = 1, max = 15)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @ValidationRule(
            value = "self.matches('[a-z]') && !self.contains('--')",
            message = "a port name (IANA service name) has at least one letter and no '--'")
    @JsonPropertyDescription(
            "Port name (IANA service name: lower-case letters, digits and single dashes, at least "
                    + "one letter, at most 15).")
    private String name;

    @Required
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Port the container listens on.")
    private Integer containerPort;

    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Port of the Service. Defaults to containerPort.")
    private Integer port;

    @Pattern("^(TCP|UDP|SCTP)$")
    @JsonPropertyDescription("TCP (default), UDP or SCTP.")
    private String protocol;

    public WorkloadPort() {}

    public WorkloadPort(String name, Integer containerPort, Integer port) {
        this.name = name;
        this.containerPort = containerPort;
        this.port = port;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getContainerPort() {
        return containerPort;
    }

    public void setContainerPort(Integer containerPort) {
        this.containerPort = containerPort;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getProtocol() {
        return protocol;
    }

    public void setProtocol(String protocol) {
        this.protocol = protocol;
    }
}

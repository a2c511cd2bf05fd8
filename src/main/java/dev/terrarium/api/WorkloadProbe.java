package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** One probe: exactly one check (exec, httpGet, tcpSocket or grpc) and how often it runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value =
                "[has(self.exec), has(self.httpGet), has(self.tcpSocket), has(self.grpc)]"
                        + ".filter(x, x).size() == 1",
        message = "a probe needs exactly one of exec, httpGet, tcpSocket or grpc")
public class WorkloadProbe {

    /** A named port, as WorkloadPort names them: an IANA service name. */
    static final String PORT_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    @JsonPropertyDescription("Runs a command in the container; exit code 0 passes.")
    private ProbeExec exec;

    @JsonPropertyDescription("An HTTP GET to the pod; a status from 200 to 399 passes.")
    private ProbeHttpGet httpGet;

    @JsonPropertyDescription("Opens a TCP connection to the pod; a connection passes.")
    private ProbeTcpSocket tcpSocket;

    @JsonPropertyDescription("A gRPC health check (grpc.health.v1) of the pod; SERVING passes.")
    private ProbeGrpc grpc;

    @Min(0)
    @Max(3600)
    @JsonPropertyDescription("Seconds after the container started before the first check. 0.")
    private Integer initialDelaySeconds;

    @Min(1)
    @Max(3600)
    @JsonPropertyDescription("Seconds between checks. Defaults to 10.")
    private Integer periodSeconds;

    @Min(1)
    @Max(3600)
    @JsonPropertyDescription("Seconds a check may take. Defaults to 1.")
    private Integer timeoutSeconds;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription(
            "Checks that must pass in a row after a failure. Defaults to 1; must be 1 for liveness "
                    + "and startup.")
    private Integer successThreshold;

    @Min(1)
    @Max(1000)
    @JsonPropertyDescription(
            "Checks that must fail in a row before the probe fails. Defaults to 3.")
    private Integer failureThreshold;

    public ProbeExec getExec() {
        return exec;
    }

    public void setExec(ProbeExec exec) {
        this.exec = exec;
    }

    public ProbeHttpGet getHttpGet() {
        return httpGet;
    }

    public void setHttpGet(ProbeHttpGet httpGet) {
        this.httpGet = httpGet;
    }

    public ProbeTcpSocket getTcpSocket() {
        return tcpSocket;
    }

    public void setTcpSocket(ProbeTcpSocket tcpSocket) {
        this.tcpSocket = tcpSocket;
    }

    public ProbeGrpc getGrpc() {
        return grpc;
    }

    public void setGrpc(ProbeGrpc grpc) {
        this.grpc = grpc;
    }

    public Integer getInitialDelaySeconds() {
        return initialDelaySeconds;
    }

    public void setInitialDelaySeconds(Integer initialDelaySeconds) {
        this.initialDelaySeconds = initialDelaySeconds;
    }

    public Integer getPeriodSeconds() {
        return periodSeconds;
    }

    public void setPeriodSeconds(Integer periodSeconds) {
        this.periodSeconds = periodSeconds;
    }

    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public void setTimeoutSeconds(Integer timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    public Integer getSuccessThreshold() {
        return successThreshold;
    }

    public void setSuccessThreshold(Integer successThreshold) {
        this.successThreshold = successThreshold;
    }

    public Integer getFailureThreshold() {
        return failureThreshold;
    }

    public void setFailureThreshold(Integer failureThreshold) {
        this.failureThreshold = failureThreshold;
    }
}

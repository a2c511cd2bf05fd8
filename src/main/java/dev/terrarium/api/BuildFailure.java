package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Why a build failed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildFailure {

    @JsonPropertyDescription(
            "OOMKilled, DeadlineExceeded, ImagePullBackOff, Error, or InvalidBuild.")
    private String reason;

    @JsonPropertyDescription("What happened, in a sentence.")
    private String message;

    @JsonPropertyDescription("Exit code of the builder container, when it exited.")
    private Integer exitCode;

    @JsonPropertyDescription("The last 40 lines of the builder's log.")
    private String logTail;

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public Integer getExitCode() {
        return exitCode;
    }

    public void setExitCode(Integer exitCode) {
        this.exitCode = exitCode;
    }

    public String getLogTail() {
        return logTail;
    }

    public void setLogTail(String logTail) {
        this.logTail = logTail;
    }
}

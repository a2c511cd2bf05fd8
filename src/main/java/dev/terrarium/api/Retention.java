package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How many finished ImageBuilds are kept; the oldest beyond these counts are deleted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Retention {

    @Min(1)
    @Max(100)
    @JsonPropertyDescription(
            "Succeeded ImageBuilds to keep, the one in use included. Defaults to 3.")
    private Integer successful;

    @Min(0)
    @Max(100)
    @JsonPropertyDescription("Failed ImageBuilds to keep. Defaults to 3.")
    private Integer failed;

    public Integer getSuccessful() {
        return successful;
    }

    public void setSuccessful(Integer successful) {
        this.successful = successful;
    }

    public Integer getFailed() {
        return failed;
    }

    public void setFailed(Integer failed) {
        this.failed = failed;
    }
}

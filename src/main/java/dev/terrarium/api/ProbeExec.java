package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** A command a probe runs in the container. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeExec {

    @Required
    @Size(min = 1, max = 64)
    @Items(maxLength = 4096)
    @JsonPropertyDescription(
            "The command and its arguments, run without a shell: [sh, -c, '...'] for one.")
    private List<String> command;

    public List<String> getCommand() {
        return command;
    }

    public void setCommand(List<String> command) {
        this.command = command;
    }
}

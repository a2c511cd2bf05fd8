package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One key of a ConfigMap or Secret and the file it becomes (Kubernetes' KeyToPath). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VolumeItem {

    @Required
    @Size(min = 1, max = 253)
    @Pattern(Patterns.DATA_KEY)
    @JsonPropertyDescription("The key in the ConfigMap or Secret.")
    private String key;

    @Required
    @Size(min = 1, max = 1024)
    @Pattern(Patterns.RELATIVE_PATH)
    @ValidationRule(
            value = Patterns.NO_DOT_DOT,
            message = "path must not contain a '.' or '..' element: it stays inside the volume")
    @JsonPropertyDescription("The file's path inside the volume: relative, without a '..' element.")
    private String path;

    @Min(0)
    @Max(511)
    @JsonPropertyDescription(
            "The file's permission bits, 0 to 0777 (in YAML write 0440 as an octal number or 288 "
                    + "as a decimal). Defaults to the volume's defaultMode.")
    private Integer mode;

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public Integer getMode() {
        return mode;
    }

    public void setMode(Integer mode) {
        this.mode = mode;
    }
}
